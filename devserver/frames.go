package devserver

import (
	"fmt"
	"path/filepath"

	"github.com/wsgidev/wsgidev/devserver/exchange"
	"github.com/wsgidev/wsgidev/pyrunner"
)

// exchangeFailure is a child's failure as the exchange keeps it.
func exchangeFailure(f *pyrunner.Failure) *exchange.Failure {
	return &exchange.Failure{Kind: exchange.FailureKind(f.Kind), Rule: f.Rule, Message: f.Message, Traceback: f.Traceback, Frames: exchangeFrames(f.Frames)}
}

func exchangeFrames(frames []pyrunner.Frame) []exchange.Frame {
	if len(frames) == 0 {
		return nil
	}
	out := make([]exchange.Frame, len(frames))
	for i, f := range frames {
		locals := make([]exchange.Local, len(f.Locals))
		for j, l := range f.Locals {
			locals[j] = exchange.Local(l)
		}
		out[i] = exchange.Frame{File: f.File, Line: f.Line, Function: f.Function, Library: f.Library,
			ContextStart: f.ContextStart, Context: f.Context, Locals: locals, LocalsLeft: f.LocalsLeft}
	}
	return out
}

// pageFrame is one frame as the error page shows it.
type pageFrame struct {
	exchange.Frame
	Kind  string // "app" or "library", the frame's mark and class
	Open  bool   // unfolded: the app's frames and the innermost one
	Lines []pageLine
}

// pageLine is one source line of a frame; Current is the frame's own.
type pageLine struct {
	Number  int
	Text    string
	Current bool
}

// pageFrames readies a failure's frames for the error page.
func pageFrames(frames []exchange.Frame) []pageFrame {
	out := make([]pageFrame, len(frames))
	for i, f := range frames {
		pf := pageFrame{Frame: f, Kind: "app", Open: !f.Library || i == len(frames)-1}
		if f.Library {
			pf.Kind = "library"
		}
		for j, text := range f.Context {
			n := f.ContextStart + j
			pf.Lines = append(pf.Lines, pageLine{Number: n, Text: text, Current: n == f.Line})
		}
		out[i] = pf
	}
	return out
}

// frameWhere names a frame as a traceback does: app.py, line 7, in boom.
func frameWhere(f *exchange.Frame) string {
	return fmt.Sprintf("%s, line %d, in %s", filepath.Base(f.File), f.Line, f.Function)
}
