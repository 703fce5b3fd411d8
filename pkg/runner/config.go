package runner

import (
	"log/slog"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// DevSecret is the development key: published in this repository, so anyone
// can sign a token with it. `rapport dev` and `rapport token` choose it
// (DevelopmentEnv) on a developer's machine; a service binary never falls
// back to it, and `rapport token` refuses to sign with anything else.
const DevSecret = "rapport-dev-secret-change-me"

// Config is everything a service process reads from its environment.
type Config struct {
	HTTPAddr        string        // HTTP_ADDR
	DatabaseURL     string        // DATABASE_URL
	NATSURL         string        // NATS_URL
	JWTSecret       string        // JWT_SECRET
	JWKSURL         string        // JWT_JWKS_URL
	JWTIssuer       string        // JWT_ISSUER
	JWTAudience     string        // JWT_AUDIENCE
	OTLPEndpoint    string        // OTEL_EXPORTER_OTLP_ENDPOINT
	LogLevel        slog.Level    // LOG_LEVEL
	StreamReplicas  int           // STREAM_REPLICAS
	OutboxRetention time.Duration // OUTBOX_RETENTION
	MaxAttempts     int           // CONSUMER_MAX_ATTEMPTS
	ShutdownTimeout time.Duration // SHUTDOWN_TIMEOUT
	// DrainDelay is how long a process keeps serving after its stop signal,
	// with /readyz answering 503, before it closes its listener: the time
	// Kubernetes takes to stop routing requests to a terminating pod.
	DrainDelay time.Duration // SHUTDOWN_DRAIN_DELAY
	TimeZone   string        // TZ_BUSINESS
	// Env is the getenv Load read from: a service reads its own variables
	// (CONTACT_CUSTOM_FIELDS_FILE, say) through it.
	Env func(string) string
}

// Variables documents every variable with its default, for the README and `rapport env`.
var Variables = []struct{ Name, Default, Meaning string }{
	{"HTTP_ADDR", ":8080", "address the HTTP server listens on"},
	{"DATABASE_URL", "(rapport dev: a local cluster under .rapport/)", "Postgres URL; for a service binary, its own role's URL"},
	{"NATS_URL", "(rapport dev: an embedded JetStream server)", "NATS URL; required for a service binary"},
	{"JWT_SECRET", "(rapport dev: the development key)", "HS256 secret verifying bearer tokens; a service binary needs it or JWT_JWKS_URL"},
	{"JWT_JWKS_URL", "", "RS256 key set URL; when set, tokens are verified with it instead of the secret"},
	{"JWT_ISSUER", "", "required token issuer, if set"},
	{"JWT_AUDIENCE", "", "required token audience, if set"},
	{"OTEL_EXPORTER_OTLP_ENDPOINT", "", "OTLP/HTTP endpoint for traces; unset keeps spans in-process"},
	{"LOG_LEVEL", "info", "debug, info, warn or error"},
	{"STREAM_REPLICAS", "1", "JetStream replicas of each stream (3 in a cluster)"},
	{"OUTBOX_RETENTION", "168h", "how long published events stay in the outbox for re-publication"},
	{"CONSUMER_MAX_ATTEMPTS", "5", "handler failures before an event is dead-lettered"},
	{"SHUTDOWN_TIMEOUT", "15s", "time given to in-flight work at shutdown"},
	{"SHUTDOWN_DRAIN_DELAY", "5s (rapport dev: 0)", "time a stopping process keeps serving, /readyz answering 503, before it closes its listener"},
	{"TZ_BUSINESS", "Asia/Ho_Chi_Minh", "time zone of business rules and deadlines"},
}

// ConfigError lists every configuration problem found, one per variable,
// so that one run tells an operator all there is to fix.
type ConfigError struct{ Problems []string }

func (e *ConfigError) Error() string { return "configuration: " + strings.Join(e.Problems, "; ") }

// MissingKey is the problem of a configuration without a token key. It names
// both variables: either one will do.
const MissingKey = "JWT_SECRET or JWT_JWKS_URL: one is required to verify bearer tokens " +
	"(only `rapport dev` uses the development key, which is published)"

// DevelopmentEnv is getenv with JWT_SECRET set to DevSecret when neither
// JWT_SECRET nor JWT_JWKS_URL is set: the choice `rapport dev` and
// `rapport token` make for a developer's machine, and no service binary does.
func DevelopmentEnv(getenv func(string) string) func(string) string {
	if strings.TrimSpace(getenv("JWT_SECRET")) != "" || strings.TrimSpace(getenv("JWT_JWKS_URL")) != "" {
		return getenv
	}
	return func(name string) string {
		if name == "JWT_SECRET" {
			return DevSecret
		}
		return getenv(name)
	}
}

// Load reads the configuration through getenv, applying the defaults. It
// checks every variable before returning, and a *ConfigError lists all
// that are wrong. A key to verify tokens is required: there is no fallback
// to the development key (see DevelopmentEnv).
func Load(getenv func(string) string) (Config, error) {
	get := func(name, def string) string {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			return v
		}
		return def
	}
	c := Config{
		HTTPAddr: get("HTTP_ADDR", ":8080"), DatabaseURL: get("DATABASE_URL", ""), NATSURL: get("NATS_URL", ""),
		JWTSecret: get("JWT_SECRET", ""), JWKSURL: get("JWT_JWKS_URL", ""), JWTIssuer: get("JWT_ISSUER", ""),
		JWTAudience: get("JWT_AUDIENCE", ""), OTLPEndpoint: get("OTEL_EXPORTER_OTLP_ENDPOINT", ""),
		TimeZone: get("TZ_BUSINESS", "Asia/Ho_Chi_Minh"), Env: getenv,
	}
	var errs []string
	switch {
	case c.JWTSecret == "" && c.JWKSURL == "":
		errs = append(errs, MissingKey)
	case c.JWKSURL != "":
		if u, err := url.Parse(c.JWKSURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			errs = append(errs, "JWT_JWKS_URL: must be an http(s) URL such as https://id.example.com/.well-known/jwks.json")
		}
	}
	if _, _, err := net.SplitHostPort(c.HTTPAddr); err != nil {
		errs = append(errs, "HTTP_ADDR: must be host:port or :port, such as :8080")
	}
	if err := c.LogLevel.UnmarshalText([]byte(get("LOG_LEVEL", "info"))); err != nil {
		errs = append(errs, "LOG_LEVEL: "+err.Error())
	}
	num := func(name, def string) int {
		n, err := strconv.Atoi(get(name, def))
		if err != nil || n < 1 {
			errs = append(errs, name+": must be a positive whole number")
		}
		return n
	}
	dur := func(name, def string) time.Duration {
		d, err := time.ParseDuration(get(name, def))
		if err != nil || d <= 0 {
			errs = append(errs, name+": must be a positive duration such as 15s or 168h")
		}
		return d
	}
	c.StreamReplicas = num("STREAM_REPLICAS", "1")
	c.MaxAttempts = num("CONSUMER_MAX_ATTEMPTS", "5")
	c.OutboxRetention = dur("OUTBOX_RETENTION", "168h")
	c.ShutdownTimeout = dur("SHUTDOWN_TIMEOUT", "15s")
	if d, err := time.ParseDuration(get("SHUTDOWN_DRAIN_DELAY", "5s")); err != nil || d < 0 {
		errs = append(errs, "SHUTDOWN_DRAIN_DELAY: must be a duration such as 5s, or 0 for none")
	} else {
		c.DrainDelay = d
	}
	if _, err := time.LoadLocation(c.TimeZone); err != nil {
		errs = append(errs, "TZ_BUSINESS: unknown time zone")
	}
	if len(errs) > 0 {
		return c, &ConfigError{Problems: errs}
	}
	return c, nil
}

// DevelopmentKey reports whether tokens are verified with the built-in
// development secret.
func (c Config) DevelopmentKey() bool { return c.JWKSURL == "" && c.JWTSecret == DevSecret }
