package problem

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
)

// nulMessage says why text with the NUL character is refused: Postgres
// cannot store it in text, so it would otherwise fail the write as a 500.
const nulMessage = "may not hold the NUL character (\\u0000)"

// RefuseNUL is a 422 naming the first string of the JSON document doc, a
// member's name or a value, that holds the NUL character, or nil. under
// names the document when it is a part of the request ("defaults" of a form).
func RefuseNUL(doc []byte, under string) error {
	path, found := StringWithNUL(doc)
	if !found {
		return nil
	}
	switch {
	case under == "":
	case path == "(body)":
		path = under
	default:
		path = under + "." + path
	}
	return Invalid("text may not hold the NUL character", FieldError{Field: path, Message: nulMessage})
}

// StringWithNUL returns the path ("notes", "tags[1]", "consents.zalo.note";
// "(body)" for the document itself) of the first string in the JSON document
// doc that holds the NUL character, and whether there is one. A document
// that is not JSON holds none.
func StringWithNUL(doc []byte) (string, bool) {
	// A NUL can only be written \u0000 in JSON: most documents skip the walk.
	if !bytes.Contains(doc, []byte(`\u0000`)) {
		return "", false
	}
	return findString(doc, func(s string) bool { return strings.ContainsRune(s, 0) })
}

// findString returns the path of the first string in the JSON document doc,
// a member's name or a value, that match accepts, depth first.
func findString(doc []byte, match func(string) bool) (string, bool) {
	return findToken(doc, func(_ *json.Decoder, tok json.Token) bool {
		s, ok := tok.(string)
		return ok && match(s)
	})
}

// findToken returns the path of the first token of the JSON document doc,
// depth first, that match accepts: a member's name, a scalar value or the
// opening delimiter of an object or array, just read from dec.
func findToken(doc []byte, match func(dec *json.Decoder, tok json.Token) bool) (string, bool) {
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	path, found, err := walkTokens(dec, "", match)
	if err != nil {
		return "", false
	}
	if found && path == "" {
		path = "(body)"
	}
	return path, found
}

// walkTokens reads the next value from dec, depth first, and stops at the
// first token match accepts, returning its path under path.
func walkTokens(dec *json.Decoder, path string, match func(*json.Decoder, json.Token) bool) (string, bool, error) {
	tok, err := dec.Token()
	if err != nil {
		return "", false, err
	}
	if match(dec, tok) {
		return path, true, nil
	}
	t, ok := tok.(json.Delim)
	if !ok {
		return "", false, nil
	}
	for i := 0; dec.More(); i++ {
		inner := path + "[" + strconv.Itoa(i) + "]"
		if t == '{' {
			key, err := dec.Token()
			if err != nil {
				return "", false, err
			}
			inner = member(path, key.(string))
			if match(dec, key) {
				return inner, true, nil
			}
		}
		if p, found, err := walkTokens(dec, inner, match); found || err != nil {
			return p, found, err
		}
	}
	_, err = dec.Token() // the closing delimiter
	return "", false, err
}

func member(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}
