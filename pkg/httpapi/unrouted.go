package httpapi

import (
	"net/http"
	"strings"

	"github.com/rapportcrm/rapport/pkg/problem"
)

// Unrouted answers, as problem+json, the requests that http.ServeMux
// answers itself: a path no route has (404) and a method the path does not
// take (405, its Allow header kept). ServeMux writes those with
// http.Error as text/plain and has no hook to change it, so this catches
// that answer on its way out: a 404 or 405 whose Content-Type is
// text/plain. Every handler of ours writes problem+json, which passes.
func Unrouted(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(&unroutedWriter{ResponseWriter: w, r: r}, r)
	})
}

type unroutedWriter struct {
	http.ResponseWriter
	r        *http.Request
	replaced bool // the mux's text answer was replaced; drop its body
}

func (u *unroutedWriter) WriteHeader(code int) {
	if (code == http.StatusNotFound || code == http.StatusMethodNotAllowed) &&
		strings.HasPrefix(u.Header().Get("Content-Type"), "text/plain") {
		u.replaced = true
		u.Header().Del("X-Content-Type-Options")
		problem.Write(u.ResponseWriter, unroutedProblem(code, u.r, u.Header().Get("Allow")))
		return
	}
	u.ResponseWriter.WriteHeader(code)
}

func (u *unroutedWriter) Write(b []byte) (int, error) {
	if u.replaced {
		return len(b), nil
	}
	return u.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection (flushes).
func (u *unroutedWriter) Unwrap() http.ResponseWriter { return u.ResponseWriter }

func unroutedProblem(code int, r *http.Request, allow string) *problem.Problem {
	if code == http.StatusMethodNotAllowed {
		return &problem.Problem{Type: "https://rapport.dev/problems/method-not-allowed", Title: http.StatusText(code), Status: code,
			Detail: r.Method + " is not allowed on " + r.URL.Path + "; it allows " + allow}
	}
	return problem.NotFound("no route " + r.URL.Path + ": see the service's openapi.json for its paths")
}
