// Package auth verifies JWT bearer tokens (HS256 with a shared secret
// locally, RS256 through a JWKS URL in a cluster) and checks the roles each
// endpoint admits.
package auth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/MicahParks/keyfunc/v3"
	"github.com/go-kit/kit/endpoint"
	"github.com/golang-jwt/jwt/v5"

	"github.com/rapportcrm/rapport/pkg/problem"
)

// Role is one of the roles of the domain.
type Role string

// The roles of DOMAIN.md.
const (
	Sales    Role = "sales"
	Lead     Role = "lead"
	Trainer  Role = "trainer"
	Manager  Role = "manager"
	Director Role = "director"
	Admin    Role = "admin"
)

// Roles lists every role.
func Roles() []Role { return []Role{Sales, Lead, Trainer, Manager, Director, Admin} }

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return slices.Contains(Roles(), r) }

// Claims are what a Rapport token says about its bearer.
type Claims struct {
	Name  string `json:"name,omitempty"`
	Roles []Role `json:"roles"`
	jwt.RegisteredClaims
}

// Has reports whether the bearer holds any of roles.
func (c *Claims) Has(roles ...Role) bool {
	for _, r := range c.Roles {
		if slices.Contains(roles, r) {
			return true
		}
	}
	return false
}

// Config selects how tokens are verified.
type Config struct {
	Secret   string // HS256 shared secret (local and tests)
	JWKSURL  string // RS256 keys (cluster); takes precedence over Secret
	Issuer   string // required iss, when set
	Audience string // required aud, when set
}

// Verifier checks tokens.
type Verifier struct {
	keyfunc jwt.Keyfunc
	parser  *jwt.Parser
}

// NewVerifier builds a verifier; with a JWKS URL it fetches and refreshes
// the key set in the background until ctx ends.
func NewVerifier(ctx context.Context, cfg Config) (*Verifier, error) {
	opts := []jwt.ParserOption{jwt.WithExpirationRequired(), jwt.WithLeeway(30 * time.Second)}
	if cfg.Issuer != "" {
		opts = append(opts, jwt.WithIssuer(cfg.Issuer))
	}
	if cfg.Audience != "" {
		opts = append(opts, jwt.WithAudience(cfg.Audience))
	}
	v := &Verifier{}
	switch {
	case cfg.JWKSURL != "":
		k, err := keyfunc.NewDefaultCtx(ctx, []string{cfg.JWKSURL})
		if err != nil {
			return nil, fmt.Errorf("load JWKS %s: %w", cfg.JWKSURL, err)
		}
		v.keyfunc = k.Keyfunc
		opts = append(opts, jwt.WithValidMethods([]string{"RS256"}))
	case cfg.Secret != "":
		secret := []byte(cfg.Secret)
		v.keyfunc = func(*jwt.Token) (any, error) { return secret, nil }
		opts = append(opts, jwt.WithValidMethods([]string{"HS256"}))
	default:
		return nil, errors.New("auth needs a JWT secret or a JWKS URL")
	}
	v.parser = jwt.NewParser(opts...)
	return v, nil
}

// Verify parses and checks a raw token.
func (v *Verifier) Verify(raw string) (*Claims, error) {
	var c Claims
	if _, err := v.parser.ParseWithClaims(raw, &c, v.keyfunc); err != nil {
		return nil, fmt.Errorf("verify token: %w", err)
	}
	if c.Subject == "" {
		return nil, errors.New("verify token: no subject")
	}
	return &c, nil
}

// Issue signs an HS256 token; `rapport token` and tests use it.
func Issue(secret, subject string, roles []Role, ttl time.Duration, now time.Time) (string, error) {
	c := Claims{Name: subject, Roles: roles, RegisteredClaims: jwt.RegisteredClaims{
		Subject: subject, IssuedAt: jwt.NewNumericDate(now), ExpiresAt: jwt.NewNumericDate(now.Add(ttl)),
	}}
	s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString([]byte(secret))
	if err != nil {
		return "", fmt.Errorf("sign token: %w", err)
	}
	return s, nil
}

type ctxKey struct{}

type result struct {
	claims *Claims
	err    error
}

// The ways a request lacks a token, told apart in the 401's detail.
var (
	errNoToken   = errors.New("no bearer token")
	errNotBearer = errors.New("authorization header is not a bearer token")
)

// FromRequest verifies the request's bearer token and records the outcome
// in the context, where Require reads it. It fits go-kit's ServerBefore.
func (v *Verifier) FromRequest(ctx context.Context, r *http.Request) context.Context {
	h := r.Header.Get("Authorization")
	scheme, raw, ok := strings.Cut(h, " ")
	if h == "" {
		return context.WithValue(ctx, ctxKey{}, result{err: errNoToken})
	}
	if !ok || !strings.EqualFold(scheme, "bearer") || strings.TrimSpace(raw) == "" {
		return context.WithValue(ctx, ctxKey{}, result{err: errNotBearer})
	}
	c, err := v.Verify(raw)
	return context.WithValue(ctx, ctxKey{}, result{claims: c, err: err})
}

// WithClaims returns ctx carrying verified claims (for consumers and tests).
func WithClaims(ctx context.Context, c *Claims) context.Context {
	return context.WithValue(ctx, ctxKey{}, result{claims: c})
}

// ClaimsFrom returns the verified claims in ctx, if any.
func ClaimsFrom(ctx context.Context) (*Claims, bool) {
	r, ok := ctx.Value(ctxKey{}).(result)
	return r.claims, ok && r.claims != nil
}

// Check admits a context only with a verified token holding one of roles:
// a 401 problem without a valid token, a 403 without the role. Admin is
// always admitted.
func Check(ctx context.Context, roles ...Role) error {
	r, _ := ctx.Value(ctxKey{}).(result)
	if r.claims == nil {
		// Say which of the three it is: a client sending "Bearer " with
		// an empty variable has a token to find, not one to renew.
		var detail string
		switch {
		case r.err == nil, errors.Is(r.err, errNoToken):
			detail = "a valid bearer token is required"
		case errors.Is(r.err, errNotBearer):
			detail = "the Authorization header holds no bearer token: send Authorization: Bearer <token>"
		default:
			detail = "the bearer token is invalid or expired"
		}
		return problem.Unauthorized(detail)
	}
	// An admin may do anything, so the answer names admin too.
	allowed := roles
	if !slices.Contains(roles, Admin) {
		allowed = append(slices.Clone(roles), Admin)
	}
	if !r.claims.Has(allowed...) {
		return problem.Forbidden(fmt.Sprintf("this needs one of the roles %v", allowed))
	}
	return nil
}

// Require is Check as a go-kit endpoint middleware.
func Require(roles ...Role) endpoint.Middleware {
	return func(next endpoint.Endpoint) endpoint.Endpoint {
		return func(ctx context.Context, req any) (any, error) {
			if err := Check(ctx, roles...); err != nil {
				return nil, err
			}
			return next(ctx, req)
		}
	}
}
