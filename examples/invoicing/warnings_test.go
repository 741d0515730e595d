package main

import (
	"strings"
)

// noCurrency ends the warning of a legacy CUR file without lineItem/CurrencyCode,
// such as the fixtures cur_small.csv and cur_part2.csv (issue 7, item 1).
const noCurrency = "no lineItem/CurrencyCode column: every row is taken to be in USD, as configured"

// takeNoCurrency removes the no-currency warnings from a decoded output document and
// returns them: they name their file (or ZIP member), so they differ between runs
// that are otherwise equal.
func takeNoCurrency(doc map[string]any) []string {
	ws, _ := doc["warnings"].([]any)
	var kept []any
	var taken []string
	for _, w := range ws {
		if s, ok := w.(string); ok && strings.HasSuffix(s, ": "+noCurrency) {
			taken = append(taken, s)
			continue
		}
		kept = append(kept, w)
	}
	doc["warnings"] = kept
	return taken
}
