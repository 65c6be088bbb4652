package main

import (
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func writeFiles(t *testing.T, root string, files map[string]string) {
	t.Helper()
	for name, text := range files {
		path := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestLoadDotenv(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, map[string]string{
		".env":               "FROM=root .env\nBOTH=.env\nSHELL=from the file\n",
		".flaskenv":          "FLASK_ONLY=1\nBOTH=.flaskenv\n",
		"mysite/mysite/.env": "NEAR=1\n",
		"elsewhere/.env":     "OUTSIDE=1\n",
		"bad/.env":           "OK=1\nno equals sign\n",
	})
	shell := func(key string) (string, bool) { return "shell", key == "SHELL" }
	for _, tc := range []struct {
		name, appDir, top string
		files, env        []string
		err               string
	}{
		{name: "the app's folder", appDir: root, top: root,
			files: []string{".env", ".flaskenv"}, env: []string{"FROM=root .env", "BOTH=.env", "FLASK_ONLY=1"}},
		{name: "the nearest folder above, up to where wsgidev started", appDir: filepath.Join(root, "mysite", "mysite"), top: root,
			files: []string{"mysite/mysite/.env", ".flaskenv"}, env: []string{"NEAR=1", "FLASK_ONLY=1", "BOTH=.flaskenv"}},
		{name: "nothing above where wsgidev started", appDir: filepath.Join(root, "mysite"), top: filepath.Join(root, "mysite")},
		{name: "an app outside: its own folder only", appDir: filepath.Join(root, "elsewhere"), top: filepath.Join(root, "mysite"),
			files: []string{filepath.Join(root, "elsewhere", ".env")}, env: []string{"OUTSIDE=1"}},
		{name: "a bad line", appDir: filepath.Join(root, "bad"), top: root,
			err: "bad/.env line 2: \"no equals sign\" is not KEY=VALUE (--no-dotenv skips the .env files)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := loadDotenv(tc.appDir, tc.top, shell)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want one saying %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(d.files, tc.files) || !slices.Equal(d.env, tc.env) || d.added != len(tc.env) {
				t.Errorf("files %q env %q (%d added), want %q %q", d.files, d.env, d.added, tc.files, tc.env)
			}
		})
	}
}

// The app sees .env's variables, the banner names the files, and the
// order of precedence is Flask's: the environment, then .env, then
// .flaskenv; wsgidev's --env-file and --env win over them all. SHELL_SET
// is the environment's, so 4 variables come from the files.
func TestDotenvReachesTheApp(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"app.py":    string(must(os.ReadFile("testdata/probe/app.py"))),
		".env":      "# local settings\nexport SECRET_KEY=\"s3cret # not a comment\"\nWHO=.env\nSHELL_SET=.env\nFLAG=.env\n",
		".flaskenv": "FLASK_DEBUG=1\nWHO=.flaskenv\n",
		"flags.env": "FLAG=--env-file\n",
	})
	p := startServing(t, launch{dir: dir, env: []string{"SHELL_SET=shell"},
		args: []string{"serve", "app.py", "--port", "0", "--env-file", "flags.env"}})
	if want := "  dotenv   .env, .flaskenv: 4 variables for the app (--no-dotenv to skip)\n"; !strings.Contains(p.stdout.String(), want) {
		t.Errorf("the banner does not say %q:\n%s", want, p.dump())
	}
	for key, want := range map[string]string{
		"SECRET_KEY": "'s3cret # not a comment'", "FLASK_DEBUG": "'1'", "WHO": "'.env'",
		"SHELL_SET": "'shell'", "FLAG": "'--env-file'",
	} {
		if got := p.getText("/env?key="+key, http.StatusOK); got != want {
			t.Errorf("os.environ[%q] in the app = %s, want %s", key, got, want)
		}
	}

	off := startServing(t, launch{dir: dir, args: []string{"serve", "app.py", "--port", "0", "--no-dotenv"}})
	if strings.Contains(off.stdout.String(), "dotenv") {
		t.Errorf("with --no-dotenv the banner still names .env files:\n%s", off.dump())
	}
	if got := off.getText("/env?key=WHO", http.StatusOK); got != "None" {
		t.Errorf("with --no-dotenv the app sees WHO=%s from .env", got)
	}
}
