package resellerkit_test

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
)

func TestValidationError_OneShapeAndMessage(t *testing.T) {
	errInvalid := errors.New("members: invalid input")
	err := resellerkit.Invalid(errInvalid, "invoice_to[2]", "bob@", "M-2", "must be one email address")
	assert.EqualError(t, err, `members: invalid input: invoice_to[2] "bob@" (M-2): must be one email address`)
	assert.ErrorIs(t, err, errInvalid, "it wraps the package's sentinel")
	var ve *resellerkit.ValidationError
	require.True(t, errors.As(error(err), &ve))
	assert.Equal(t, "invoice_to[2]", ve.Field)

	assert.EqualError(t, &resellerkit.ValidationError{Reason: "sets no field"}, "invalid input: sets no field")
	assert.EqualError(t, &resellerkit.ValidationError{Field: "edit", Rule: "M-10", Reason: "sets no field"}, `invalid input: edit "" (M-10): sets no field`)
}

// A 900 KB name was once echoed whole into an error body and the log: the value a
// ValidationError carries, and its message, are bounded.
func TestValidationError_EchoedValueIsBounded(t *testing.T) {
	huge := strings.Repeat("名", 300_000)
	err := resellerkit.Invalid(errors.New("members: invalid input"), "name", huge, "M-1", "too long")
	assert.Equal(t, resellerkit.MaxValueLen, utf8.RuneCountInString(strings.TrimSuffix(err.Value, "…")))
	assert.True(t, strings.HasSuffix(err.Value, "…"))
	assert.True(t, utf8.ValidString(err.Value), "never cut inside a character")
	assert.Less(t, len(err.Error()), 500)
	direct := &resellerkit.ValidationError{Field: "name", Value: huge}
	assert.Less(t, len(direct.Error()), 500, "a literal built without Invalid is bounded too")
	assert.Equal(t, "short", resellerkit.Truncate("short"))
}
