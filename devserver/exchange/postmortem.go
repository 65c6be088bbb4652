package exchange

// PostMortem is a step of a post-mortem pdb session: pdb opened, after the
// fact, on the traceback the child kept of a failed exchange. Its
// output, its prompts and its end; a UI answers its prompts as it answers
// pdb inside a request, by the exchange's ID.
type PostMortem struct {
	ID    uint64 `json:"id"`              // the failed exchange
	Text  string `json:"text,omitempty"`  // what pdb printed
	Input bool   `json:"input,omitempty"` // pdb waits for a line
	End   bool   `json:"end,omitempty"`   // the session is over, its frames freed
	Note  string `json:"note,omitempty"`  // with End: why, when the user did not close it
}
