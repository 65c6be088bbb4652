package main

import (
	"fmt"
	"os"
	"slices"

	"github.com/urfave/cli/v2"

	"github.com/wsgidev/wsgidev/pyrunner"
)

// childFlags say how the app's Python runs, for every command that starts
// the app (serve, and replay without --url).
var childFlags = []cli.Flag{
	&cli.StringFlag{Name: "python", Usage: "the interpreter to run the app with (default: $VIRTUAL_ENV, ./.venv, ./venv, then python3)"},
	&cli.StringSliceFlag{Name: "env", Aliases: []string{"e"}, Usage: "KEY=VALUE for the app's environment (repeatable)"},
	&cli.StringFlag{Name: "env-file", Usage: "a file of KEY=VALUE lines for the app's environment (--env wins)"},
	&cli.BoolFlag{Name: "no-dotenv", Usage: "do not load .env and .flaskenv from the app's folder"},
}

// childConfig is how to run the app spec in dir, as childFlags say, and
// the .env files that gave the app variables.
func childConfig(c *cli.Context, spec pyrunner.AppSpec, dir string) (pyrunner.Config, dotenv, error) {
	var dot dotenv
	py, err := pyrunner.FindPython(c.String("python"), dir)
	if err != nil {
		return pyrunner.Config{}, dot, err
	}
	if !c.Bool("no-dotenv") {
		if dot, err = loadDotenv(appDir(spec, dir), dir, os.LookupEnv); err != nil {
			return pyrunner.Config{}, dot, err
		}
	}
	env, err := childEnv(c, dot.env)
	if err != nil {
		return pyrunner.Config{}, dot, err
	}
	return pyrunner.Config{Python: py, Spec: spec, Dir: dir, Env: env, Argv: []string{spec.String()}}, dot, nil
}

// childEnv is the .env files' variables, then --env-file's lines, then
// every --env: the last of a key wins.
func childEnv(c *cli.Context, dotenv []string) ([]string, error) {
	env := slices.Clone(dotenv)
	if path := c.String("env-file"); path != "" {
		fileEnv, err := pyrunner.ParseEnvFile(path)
		if err != nil {
			return nil, fmt.Errorf("--env-file: %w", err)
		}
		env = append(env, fileEnv...)
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
