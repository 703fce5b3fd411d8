package httpapi

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/rapportcrm/rapport/pkg/auth"
	"github.com/rapportcrm/rapport/pkg/problem"
)

// idemBodyLimit bounds the body read to fingerprint a request: the largest
// a route takes (a spreadsheet upload).
const idemBodyLimit = 64 << 20

// Idempotency makes a create safe to send again: a request with an
// Idempotency-Key header runs once per caller, route and key, and a retry
// of it gets the first answer again, with Idempotent-Replayed: true. The
// key is claimed before the request runs, in its own short transaction, so
// that a second request with the same key, arriving while the first runs,
// waits for the first one's answer rather than creating again. The answer
// is kept right after the create commits: a process that dies in between
// leaves the key claimed without an answer, and a retry gets a 409 saying
// so rather than a second record.
type Idempotency struct {
	Keys *IdempotencyKeys
	Auth *auth.Verifier
	Now  func() time.Time
	Log  *slog.Logger
	// Wait is how long a retry waits for the first request's answer before
	// a 409: 10 s when zero.
	Wait time.Duration
}

// Wrap applies the Idempotency-Key rules to next. A request without the
// header, or without a valid token (next refuses it), runs as before.
func (i *Idempotency) Wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key, ok, err := ParseIdempotencyKey(r)
		if !ok {
			next.ServeHTTP(w, r)
			return
		}
		if err != nil {
			problem.Write(w, problem.From(err))
			return
		}
		claims, signed := auth.ClaimsFrom(i.Auth.FromRequest(r.Context(), r))
		if !signed {
			next.ServeHTTP(w, r)
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, idemBodyLimit))
		if err != nil {
			var tooLarge *http.MaxBytesError
			if errors.As(err, &tooLarge) {
				problem.Write(w, problem.TooLarge(idemBodyLimit))
				return
			}
			problem.Write(w, problem.BadRequest("the request body could not be read"))
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		scope := IdemScope{User: claims.Subject, Route: r.Pattern, Key: key}
		fp := Fingerprint(r.Method, r.URL.Path, r.URL.RawQuery, r.Header.Get("Content-Type"), body)
		i.serve(w, r, next, scope, fp)
	})
}

// serve runs the request once its key is claimed, or answers from what is
// kept under the key.
func (i *Idempotency) serve(w http.ResponseWriter, r *http.Request, next http.Handler, scope IdemScope, fp string) {
	ctx := r.Context()
	wait := i.Wait
	if wait == 0 {
		wait = 10 * time.Second
	}
	deadline := time.Now().Add(wait)
	for {
		kept, taken, err := i.Keys.Claim(ctx, scope, fp, i.Now())
		if err != nil {
			i.fail(w, r, err)
			return
		}
		if !taken {
			i.run(w, r, next, scope)
			return
		}
		switch judge(fp, kept) {
		case idemMismatch:
			problem.Write(w, problem.Invalid("this Idempotency-Key was sent with another request: send a new key for a new request",
				problem.FieldError{Field: "Idempotency-Key", Message: "was used for a request with another path or body"}))
			return
		case idemReplay:
			replay(w, kept)
			return
		}
		// The first request still runs: wait for its answer, and claim the
		// key again if it ends without one (an error frees the key).
		kept, found, err := i.awaitAnswer(ctx, scope, deadline)
		if err != nil {
			i.fail(w, r, err)
			return
		}
		if found && kept.Status != 0 {
			replay(w, kept)
			return
		}
		if found {
			problem.Write(w, problem.Conflict("a request with this Idempotency-Key is in progress, or ended without its answer being kept: "+
				"send it again in a moment; if this lasts, check whether it took effect before sending it with a new key"))
			return
		}
	}
}

// awaitAnswer polls the key until its answer is kept, the key is freed
// (found false) or the deadline passes (found, Status 0).
func (i *Idempotency) awaitAnswer(ctx context.Context, scope IdemScope, deadline time.Time) (Kept, bool, error) {
	for {
		kept, found, err := i.Keys.Load(ctx, scope)
		if err != nil || !found || kept.Status != 0 || time.Now().After(deadline) {
			return kept, found, err
		}
		select {
		case <-ctx.Done():
			return kept, found, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// run serves the request that claimed the key and keeps its answer, or
// frees the key when it failed.
func (i *Idempotency) run(w http.ResponseWriter, r *http.Request, next http.Handler, scope IdemScope) {
	rec := &answerRecorder{w: w, status: http.StatusOK}
	done := false
	defer func() {
		if !done {
			// A panic: nothing is known to have happened, free the key.
			_ = i.Keys.Release(context.WithoutCancel(r.Context()), scope)
		}
	}()
	next.ServeHTTP(rec, r)
	done = true
	// The request's own context may be gone (the client left): the answer
	// is kept all the same, for the retry that client will send.
	ctx := context.WithoutCancel(r.Context())
	if keep(rec.status) {
		if err := i.Keys.Complete(ctx, scope, rec.status, keptHeader(w.Header()), rec.body.Bytes()); err != nil {
			i.Log.ErrorContext(ctx, "idempotency answer not kept", "route", scope.Route, "err", err)
		}
	} else if err := i.Keys.Release(ctx, scope); err != nil {
		i.Log.ErrorContext(ctx, "idempotency key not freed", "route", scope.Route, "err", err)
	}
	w.WriteHeader(rec.status)
	_, _ = w.Write(rec.body.Bytes())
}

// fail answers a request whose key could not be claimed or read: a 503 to
// retry when the database is out of reach, as any request's (outage).
func (i *Idempotency) fail(w http.ResponseWriter, r *http.Request, err error) {
	if !noteFailure(r.Context(), err) {
		i.Log.ErrorContext(r.Context(), "idempotency key store failed", "err", err)
	}
	if outage(err) {
		problem.Write(w, unavailable())
		return
	}
	problem.Write(w, problem.Internal())
}

// replay sends a kept answer again.
func replay(w http.ResponseWriter, k Kept) {
	for name, vs := range k.Header {
		w.Header()[name] = vs
	}
	w.Header().Set("Idempotent-Replayed", "true")
	w.WriteHeader(k.Status)
	_, _ = w.Write(k.Body)
}

// answerRecorder holds an answer back until it is kept; headers go to the
// real writer as they are set.
type answerRecorder struct {
	w      http.ResponseWriter
	status int
	wrote  bool
	body   bytes.Buffer
}

func (a *answerRecorder) Header() http.Header { return a.w.Header() }

// WriteHeader keeps the first status, as a ResponseWriter does.
func (a *answerRecorder) WriteHeader(code int) {
	if !a.wrote {
		a.status, a.wrote = code, true
	}
}

func (a *answerRecorder) Write(b []byte) (int, error) { a.wrote = true; return a.body.Write(b) }
