package httpapi

import (
	"context"
	"errors"
	"net"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/rapportcrm/rapport/pkg/problem"
)

// RetryAfter is what a request failed by an outage tells its caller to
// wait: about the time a database restart or a failover takes, and what the
// readiness probe needs to take the replica out of rotation.
const RetryAfter = 5 * time.Second

// unavailable is the answer to a request that failed because the database
// or the broker cannot be reached.
func unavailable() *problem.Problem {
	return problem.Unavailable("the service cannot reach its database or message broker at the moment; "+
		"send the request again in a few seconds", RetryAfter)
}

// outage reports whether err is a failure to reach a dependency rather than
// a fault of the request or of the code: the same request may well succeed
// once the dependency is back, so the caller should send it again.
func outage(err error) bool {
	var connect *pgconn.ConnectError
	var pgErr *pgconn.PgError
	var netErr net.Error
	switch {
	case errors.As(err, &connect), pgconn.SafeToRetry(err), pgconn.Timeout(err):
		return true
	case errors.As(err, &pgErr):
		// Class 08 is a connection exception; 57P01-57P03 an administrator
		// or crash shutdown, or a server starting up ("cannot connect now").
		return strings.HasPrefix(pgErr.Code, "08") || pgErr.Code == "57P01" || pgErr.Code == "57P02" || pgErr.Code == "57P03"
	case errors.As(err, &netErr):
		return true // a connection dropped or timed out under a query or a publish
	case errors.Is(err, context.DeadlineExceeded):
		return true // waited out its time for a pooled connection or an answer
	}
	for _, target := range []error{nats.ErrConnectionClosed, nats.ErrConnectionDraining, nats.ErrConnectionReconnecting,
		nats.ErrNoServers, nats.ErrNoResponders, nats.ErrTimeout, jetstream.ErrNoStreamResponse, jetstream.ErrJetStreamNotEnabled} {
		if errors.Is(err, target) {
			return true
		}
	}
	return false
}
