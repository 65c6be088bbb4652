package exchange

import "strconv"

// Plural counts things the one way wsgidev says it: "1 request",
// "2 requests" (nouns whose plural adds an s).
func Plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}
