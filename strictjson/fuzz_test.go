package strictjson_test

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/strictjson"
)

// FuzzDecode: whatever the document, Unmarshal does not panic; a document it
// accepts is valid UTF-8 with no lone surrogate and decodes with encoding/json, even
// refusing unknown fields, into the same value; the problems of one it refuses are
// in increasing offset order, each at the line and column of its offset, with
// valid, bounded text; FirstOnly gives the first of them; AllowNull refuses
// nothing the strict walk accepts.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		validConfig, `{}`, `null`, `[]`, ``, `{"name": 1}`, `{"name": "a", "name": "b"}`, `{"Name": "x"}`,
		`{"level": "mid", "price": -3, "rates": {"2026-1": 1}}`, `{"limits": {"max": 300, "count": 5}}`,
		`{"extra": {"a": [1e400, "\ud800"]}, "pair": [1, 2, 3]}`, "{\"name\": \"\xff\"}", `{"name" "a"}`,
		`{"on": tru`, `{} {}`, `{"raw": {"k": ["\ud83d"]}}`, `{"counts": {"x": "a", "1": null}}`,
		"{\n \"tags\": [null, 2],\n \"blob\": \"!!\"}", `{"extra": [[[[[[[[[[]]]]]]]]]]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var got config
		err := strictjson.Unmarshal(data, &got, strictjson.Options{})
		if err == nil {
			assert.True(t, utf8.Valid(data), "%q", data)
			assert.False(t, strictjson.HasLoneSurrogate(data), "%q", data)
			var want config
			require.NoError(t, json.Unmarshal(data, &want), "%q", data)
			assert.Equal(t, want, got, "%q", data)
			dec := json.NewDecoder(bytes.NewReader(data))
			dec.DisallowUnknownFields()
			require.NoError(t, dec.Decode(new(config)), "%q", data)
			require.NoError(t, strictjson.Check(data, reflect.TypeFor[config](), strictjson.Options{AllowNull: true}), "%q", data)
			return
		}
		var e *strictjson.Error
		require.ErrorAs(t, err, &e, "%q", data)
		require.NotEmpty(t, e.Problems)
		for i, p := range e.Problems {
			if i > 0 {
				require.Greater(t, p.Offset, e.Problems[i-1].Offset, "%q: %v", data, e.Problems)
			}
			require.LessOrEqual(t, p.Offset, int64(len(data)))
			before := data[:p.Offset]
			assert.Equal(t, 1+bytes.Count(before, []byte("\n")), p.Line)
			assert.Equal(t, len(before)-bytes.LastIndexByte(before, '\n'), p.Column)
			assert.True(t, utf8.ValidString(p.Path) && utf8.ValidString(p.Value) && utf8.ValidString(p.Reason), "%q: %v", data, p)
			assert.LessOrEqual(t, utf8.RuneCountInString(p.Value), resellerkit.MaxValueLen+1)
			assert.NotEmpty(t, p.Reason)
			assert.NotContains(t, p.Kind.String(), "kind(")
		}
		first := strictjson.Check(data, reflect.TypeFor[config](), strictjson.Options{FirstOnly: true})
		var fe *strictjson.Error
		require.ErrorAs(t, first, &fe)
		require.Len(t, fe.Problems, 1)
		assert.Equal(t, *e.Problems[0], *fe.Problems[0], "%q", data)
	})
}
