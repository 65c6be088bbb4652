package pyrunner

import (
	"bufio"
	"fmt"
	"os"
	"strings"
)

// ParseEnvFile reads KEY=VALUE lines for the child's environment, in the
// dotenv form flask and docker accept: blank lines and # comments skipped,
// an optional "export " prefix, values optionally in single or double quotes.
func ParseEnvFile(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("--env-file: %w", err)
	}
	defer f.Close()
	var env []string
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		kv, err := ParseEnvPair(strings.TrimPrefix(line, "export "))
		if err != nil {
			return nil, fmt.Errorf("--env-file %s line %d: %w", path, n, err)
		}
		env = append(env, kv)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("--env-file %s: %w", path, err)
	}
	return env, nil
}

// ParseEnvPair checks one KEY=VALUE and strips quotes around the value.
func ParseEnvPair(s string) (string, error) {
	key, value, ok := strings.Cut(s, "=")
	key = strings.TrimSpace(key)
	if !ok || key == "" || strings.ContainsAny(key, " \t") {
		return "", fmt.Errorf("%q is not KEY=VALUE", s)
	}
	value = strings.TrimSpace(value)
	if len(value) >= 2 && (value[0] == '"' || value[0] == '\'') && value[len(value)-1] == value[0] {
		value = value[1 : len(value)-1]
	}
	return key + "=" + value, nil
}
