package pyrunner

import (
	"bufio"
	"fmt"
	"os"
	"strings"
)

// ParseEnvFile reads KEY=VALUE lines for the child's environment, in the
// dotenv form python-dotenv (flask run's .env), docker and systemd accept:
//
//   - blank lines and lines starting with # are skipped;
//   - an optional "export " before the key;
//   - a value in double quotes may hold # and spaces, and the escapes
//     \n \t \r \" \\; in single quotes it is taken exactly as written;
//   - an unquoted value ends at " #" (a comment) and is trimmed;
//   - values are never expanded: ${VAR} stays as written (python-dotenv
//     would expand it), and a value spans one line.
func ParseEnvFile(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var env []string
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if n == 1 {
			line = strings.TrimPrefix(line, "\ufeff") // a BOM some editors write
		}
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		kv, err := parseEnvLine(line)
		if err != nil {
			return nil, fmt.Errorf("%s line %d: %w", path, n, err)
		}
		env = append(env, kv)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return env, nil
}

// parseEnvLine reads one KEY=VALUE line of an env file.
func parseEnvLine(line string) (string, error) {
	if rest, ok := strings.CutPrefix(line, "export"); ok && rest != "" && (rest[0] == ' ' || rest[0] == '\t') {
		line = strings.TrimSpace(rest)
	}
	key, value, ok := strings.Cut(line, "=")
	key = strings.TrimSpace(key)
	if !ok || key == "" || strings.ContainsAny(key, " \t") {
		return "", fmt.Errorf("%q is not KEY=VALUE", line)
	}
	value = strings.TrimSpace(value)
	var rest string
	switch {
	case strings.HasPrefix(value, `"`):
		var err error
		if value, rest, err = doubleQuoted(value[1:]); err != nil {
			return "", fmt.Errorf("%s: %w", key, err)
		}
	case strings.HasPrefix(value, "'"):
		end := strings.IndexByte(value[1:], '\'')
		if end < 0 {
			return "", fmt.Errorf("%s: the ' that opens the value is not closed on its line (a value spans one line)", key)
		}
		value, rest = value[1:1+end], value[2+end:]
	default:
		if i := strings.Index(value, " #"); i >= 0 {
			value = value[:i]
		} else if i := strings.Index(value, "\t#"); i >= 0 {
			value = value[:i]
		}
		value = strings.TrimSpace(value)
	}
	if rest = strings.TrimSpace(rest); rest != "" && !strings.HasPrefix(rest, "#") {
		return "", fmt.Errorf("%s: %q after the quoted value; put it inside the quotes or after a #", key, rest)
	}
	return key + "=" + value, nil
}

// doubleQuoted reads a double-quoted value after its opening quote: the
// value with its escapes read, and what follows the closing quote.
func doubleQuoted(s string) (value, rest string, err error) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"':
			return b.String(), s[i+1:], nil
		case c == '\\' && i+1 < len(s):
			i++
			switch s[i] {
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			case 'r':
				b.WriteByte('\r')
			case '"', '\\':
				b.WriteByte(s[i])
			default: // not an escape: kept as written, as python-dotenv does
				b.WriteByte('\\')
				b.WriteByte(s[i])
			}
		default:
			b.WriteByte(c)
		}
	}
	return "", "", fmt.Errorf(`the " that opens the value is not closed on its line (a value spans one line)`)
}

// ParseEnvPair checks one KEY=VALUE from the command line and strips
// quotes around the value.
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
