package main

import (
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/wsgidev/wsgidev/pyrunner"
)

// childFlags say how the app's Python runs, for every command that starts
// the app (serve, and replay without --url).
var childFlags = []cli.Flag{
	&cli.StringFlag{Name: "python", Usage: "the interpreter to run the app with (default: $VIRTUAL_ENV, ./.venv, ./venv, then python3)"},
	&cli.StringSliceFlag{Name: "env", Aliases: []string{"e"}, Usage: "KEY=VALUE for the app's environment (repeatable)"},
	&cli.StringFlag{Name: "env-file", Usage: "a file of KEY=VALUE lines for the app's environment (--env wins)"},
}

// childConfig is how to run the app spec in dir, as childFlags say.
func childConfig(c *cli.Context, spec pyrunner.AppSpec, dir string) (pyrunner.Config, error) {
	py, err := pyrunner.FindPython(c.String("python"), dir)
	if err != nil {
		return pyrunner.Config{}, err
	}
	env, err := childEnv(c)
	if err != nil {
		return pyrunner.Config{}, err
	}
	return pyrunner.Config{Python: py, Spec: spec, Dir: dir, Env: env, Argv: []string{spec.String()}}, nil
}

// childEnv is --env-file's lines, then every --env.
func childEnv(c *cli.Context) ([]string, error) {
	var env []string
	if path := c.String("env-file"); path != "" {
		fileEnv, err := pyrunner.ParseEnvFile(path)
		if err != nil {
			return nil, err
		}
		env = fileEnv
	}
	for _, pair := range c.StringSlice("env") {
		kv, err := pyrunner.ParseEnvPair(pair)
		if err != nil {
			return nil, fmt.Errorf("--env: %w", err)
		}
		env = append(env, kv)
	}
	return env, nil
}
