//go:build !linux || wsgidev_portable

package pyrunner

// WarmReloads says whether this build forks reloaded children from a warm
// template: not here (warm.go says why), so every reload starts Python.
const WarmReloads = false

// warm is what the runner asks about warm reloads; here it always answers
// "start cold".
type warm struct{}

func newWarm(*Runner) *warm  { return &warm{} }
func (*warm) learn([]string) {}
func (*warm) fork() *child   { return nil }
func (*warm) stop()          {}
