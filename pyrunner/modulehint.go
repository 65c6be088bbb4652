package pyrunner

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// moduleHintTimeout bounds the look for another Python that has a module
// the app's lacks: it delays only the error it explains.
const moduleHintTimeout = 3 * time.Second

// explainMissingModule sets le.Hint for a ModuleNotFoundError at import:
// which Python ran the app, and which other interpreters here import the
// module, so the user can name one with --python ("No module named
// 'django'" while /usr/bin/python3 or a .venv has Django).
func explainMissingModule(cfg *Config, le *LoadError) {
	if le.Module == "" {
		return
	}
	ran := cfg.Python.Path
	if cfg.Python.Source != "" {
		ran += " (from " + cfg.Python.Source + ")"
	}
	ran = "the app ran on " + ran + ", which has no module '" + le.Module + "'"
	ctx, cancel := context.WithTimeout(context.Background(), moduleHintTimeout)
	defer cancel()
	have := pythonsWith(ctx, hostPython.otherPythons(cfg.Python.Path, cfg.Dir, hostFiles), le.Module, cfg)
	switch len(have) {
	case 0:
		le.Hint = ran + ", nor does any other Python found here (virtualenvs, python3 on PATH): install it into that Python, or name one that has it with --python."
	case 1:
		le.Hint = ran + "; " + have[0] + " has it: restart wsgidev with --python " + have[0]
	default:
		le.Hint = ran + "; these have it: " + strings.Join(have, ", ") + ": restart wsgidev with --python " + have[0]
	}
}

// otherPythons are the interpreters besides used that the user may have
// meant: the virtualenvs FindPython looks at and each of this system's
// Pythons along PATH (launchers such as py -3 aside), once each, at most
// eight.
func (pl pythonPlaces) otherPythons(used, dir string, fs fileSystem) []string {
	var places []string
	if venv := fs.getenv("VIRTUAL_ENV"); venv != "" {
		places = append(places, pl.join(venv, pl.venvExe))
	}
	for _, name := range []string{".venv", "venv"} {
		places = append(places, pl.join(".", name, pl.venvExe))
	}
	for _, c := range pl.onPath {
		if c.args == nil {
			places = append(places, pl.search(c.name, fs)...)
		}
	}
	seen := map[string]bool{sameProgram(used, dir): true}
	var found []string
	for _, p := range places {
		key := sameProgram(p, dir)
		if seen[key] || !fs.isProgram(absIn(p, dir)) || len(found) == 8 {
			continue
		}
		seen[key] = true
		found = append(found, p)
	}
	return found
}

// sameProgram is the same for two paths of one interpreter in one place
// (/bin/python3 and /usr/bin/python3 when /bin links to /usr/bin), and
// differs for a virtualenv's python, though it links to the system's: its
// folder says which site-packages it imports from.
func sameProgram(p, dir string) string {
	p = absIn(p, dir)
	if real, err := filepath.EvalSymlinks(filepath.Dir(p)); err == nil {
		return filepath.Join(real, filepath.Base(p))
	}
	return p
}

func absIn(p, dir string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(dir, p)
}

// pythonsWith asks each of pythons at once whether it can import module
// (with the app's folder and environment), and returns those that can, in
// their order; one that has not answered when ctx ends counts as not.
func pythonsWith(ctx context.Context, pythons []string, module string, cfg *Config) []string {
	ok := make([]bool, len(pythons))
	var wg sync.WaitGroup
	for i, py := range pythons {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cmd := exec.CommandContext(ctx, absIn(py, cfg.Dir), "-c",
				"import importlib.util, sys; sys.exit(0 if importlib.util.find_spec(sys.argv[1]) else 1)", module)
			cmd.Dir, cmd.Env, cmd.WaitDelay = cfg.Dir, append(os.Environ(), cfg.Env...), time.Second
			ok[i] = cmd.Run() == nil
		}()
	}
	wg.Wait()
	var have []string
	for i, py := range pythons {
		if ok[i] {
			have = append(have, py)
		}
	}
	return have
}
