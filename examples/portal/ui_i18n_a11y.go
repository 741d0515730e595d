package main

// Messages shared by every page for assistive technology (screen readers), added
// to the catalog.
func init() {
	for k, v := range a11yMessages {
		catalog[k] = v
	}
}

var a11yMessages = map[string]msg{
	// A table's scrolling box (class table-wrap): focusable, so a keyboard can
	// scroll a table wider than the screen, and named, so a screen reader says what
	// got the focus.
	"table.scroll": {"表 (横にスクロールできます)", "Table (scrolls sideways)"},
}
