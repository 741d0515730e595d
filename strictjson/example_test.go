package strictjson_test

import (
	"errors"
	"fmt"
	"reflect"

	"github.com/seeda33a2f4f/resellerkit/strictjson"
)

// A configuration reader reports every problem with its line, column, JSON path
// and rule id.
func ExampleUnmarshal() {
	type rule struct {
		Scope   string `json:"scope"`
		Percent int    `json:"percent"`
	}
	type config struct {
		Name  string  `json:"name" rule:"C-1"`
		Rules []rule  `json:"rules" rule:"C-2"`
		Note  *string `json:"note"`
	}
	doc := `{
  "name": "Example",
  "Rules": [],
  "note": null,
  "rules": [{"scope": "global", "percent": "5"},
            {"scope": "global", "scope": "sku", "percent": 1.5}]
}`
	var cfg config
	err := strictjson.Unmarshal([]byte(doc), &cfg, strictjson.Options{})
	var e *strictjson.Error
	if errors.As(err, &e) {
		for _, p := range e.Problems {
			fmt.Printf("%d:%d %s %s (%s): %s\n", p.Line, p.Column, p.Kind, p.Path, p.Rule, p.Reason)
		}
	}
	// Output:
	// 3:3 unknown_field Rules (): unknown field "Rules"; the fields here are name, rules, note
	// 5:44 wrong_type rules[0].percent (C-2): must be a whole number
	// 6:33 duplicate_field rules[1].scope (C-2): field given twice
	// 6:60 wrong_type rules[1].percent (C-2): must be a whole number
}

// An HTTP handler wants the first problem only, to answer 400 naming the field.
func ExampleCheck() {
	type input struct {
		Name    string   `json:"name"`
		Labels  []string `json:"labels"`
		Version int64    `json:"version"`
	}
	for _, body := range []string{
		`{"name": "web", "labels": ["a"], "version": 3}`,
		`{"name": "web", "labels": ["a", "\ud800"], "version": 3.5}`,
		`{"name": "web"} {}`,
	} {
		err := strictjson.Check([]byte(body), reflect.TypeFor[input](), strictjson.Options{FirstOnly: true})
		var p *strictjson.Problem
		if errors.As(err, &p) {
			fmt.Printf("400 field=%q: %s\n", p.Path, p.Reason)
			continue
		}
		fmt.Println("ok")
	}
	// Output:
	// ok
	// 400 field="labels[1]": holds a lone UTF-16 surrogate escape (such as "\ud800"), which is no character
	// 400 field="": more data follows the JSON value: invalid character '{' after top-level value
}

// After decoding, a validation error naming a field is shown where that field is,
// or where the object that lacks it is.
func ExampleIndex_Locate() {
	doc := []byte(`{
  "projects": [
    {"id": "a", "accounts": ["123456789012"]},
    {"id": "b"}
  ]
}`)
	ix := strictjson.NewIndex(doc)
	for _, path := range []string{"projects[0].accounts[0]", "projects[1].accounts"} {
		at := ix.Locate(path)
		fmt.Printf("%s at %d:%d\n", path, at.Line, at.Column)
	}
	// Output:
	// projects[0].accounts[0] at 3:30
	// projects[1].accounts at 4:5
}
