package httpapi

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strings"
	"time"

	"github.com/rapportcrm/rapport/pkg/problem"
)

// IdempotencyTTL is how long a kept answer is replayed: a day covers a
// client's retries after a timeout, a lost connection or a night offline.
const IdempotencyTTL = 24 * time.Hour

// keptHeaders are the headers of an answer that a replay repeats: those a
// client acts on. The trace header names the first request's trace and is
// set afresh on every response.
var keptHeaders = []string{"Content-Type", "Location", "Etag"}

// ParseIdempotencyKey reads the Idempotency-Key header of r. The IETF draft
// writes the key as a structured-field string ("k-1", quoted); clients in
// the Stripe style send it bare: both are taken, and mean the same key.
// A key must be 1 to 255 printable ASCII characters, so that it is an
// opaque token and not a place for customer data. ok is false without the
// header.
func ParseIdempotencyKey(r *http.Request) (key string, ok bool, err error) {
	values := r.Header.Values("Idempotency-Key")
	if len(values) == 0 {
		return "", false, nil
	}
	bad := problem.Invalid("Idempotency-Key is not a key", problem.FieldError{Field: "Idempotency-Key",
		Message: "must be sent once, as 1 to 255 printable ASCII characters, such as a UUID"})
	if len(values) > 1 {
		return "", true, bad
	}
	key = strings.TrimSpace(values[0])
	if len(key) >= 2 && key[0] == '"' && key[len(key)-1] == '"' {
		key = key[1 : len(key)-1]
	}
	if key == "" || len(key) > 255 {
		return "", true, bad
	}
	for i := 0; i < len(key); i++ {
		if key[i] < 0x20 || key[i] > 0x7e {
			return "", true, bad
		}
	}
	return key, true, nil
}

// Fingerprint says whether two requests sent with one key are the same
// request: their method, path, query and body. A multipart body is read
// part by part (each part's name, file name, type and content), since a
// client sending a form again picks a new boundary, which changes every
// byte between the parts but not the request.
func Fingerprint(method, path, rawQuery, contentType string, body []byte) string {
	h := sha256.New()
	for _, s := range []string{method, path, rawQuery} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	if parts, ok := multipartParts(contentType, body); ok {
		h.Write([]byte("multipart\x00"))
		h.Write(parts)
	} else {
		h.Write([]byte(contentType))
		h.Write([]byte{0})
		h.Write(body)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// multipartParts is a multipart body without its boundary: each part's
// header values that matter and the sha256 of its content. ok is false
// for a body that is not multipart, or not well formed.
func multipartParts(contentType string, body []byte) ([]byte, bool) {
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil || !strings.HasPrefix(mt, "multipart/") || params["boundary"] == "" {
		return nil, false
	}
	var out bytes.Buffer
	mr := multipart.NewReader(bytes.NewReader(body), params["boundary"])
	for {
		p, err := mr.NextRawPart()
		if err == io.EOF {
			return out.Bytes(), true
		}
		if err != nil {
			return nil, false
		}
		sum := sha256.New()
		if _, err := io.Copy(sum, p); err != nil {
			return nil, false
		}
		for _, s := range []string{p.Header.Get("Content-Disposition"), p.Header.Get("Content-Type"), hex.EncodeToString(sum.Sum(nil))} {
			out.WriteString(s)
			out.WriteByte(0)
		}
	}
}

// Kept is the answer kept for a key, or the sign that its first request
// is still running (Status 0).
type Kept struct {
	Fingerprint string
	Status      int
	Header      http.Header
	Body        []byte
	CreatedAt   time.Time
}

// idemOutcome is what a request carrying a key that is already taken
// comes to.
type idemOutcome int

const (
	idemReplay   idemOutcome = iota // the same request, answered: send its answer again
	idemMismatch                    // another request under the same key: 422
	idemWait                        // the same request, still running: wait for its answer
)

// judge compares a request's fingerprint with what is kept under its key.
func judge(fingerprint string, k Kept) idemOutcome {
	switch {
	case k.Fingerprint != fingerprint:
		return idemMismatch
	case k.Status == 0:
		return idemWait
	}
	return idemReplay
}

// keep says whether an answer is kept for replay: a success only. After an
// error nothing was created, and the caller may correct the request (add
// force, fix a field) and send it again under the same key.
func keep(status int) bool { return status >= 200 && status < 300 }

// keptHeader is the subset of h a replay repeats.
func keptHeader(h http.Header) http.Header {
	out := http.Header{}
	for _, k := range keptHeaders {
		if vs := h.Values(k); len(vs) > 0 {
			out[http.CanonicalHeaderKey(k)] = vs
		}
	}
	return out
}
