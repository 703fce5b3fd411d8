package testkit

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/rapportcrm/rapport/pkg/broker"
)

// NATS is an embedded JetStream server of one test, with its file store in
// the test's temporary directory.
type NATS struct {
	t      testing.TB
	srv    *server.Server
	config broker.Embedded
}

// StartNATS starts a server for t and shuts it down when t ends.
func StartNATS(t testing.TB) *NATS {
	t.Helper()
	n := &NATS{t: t, config: broker.Embedded{StoreDir: t.TempDir()}}
	n.start()
	n.config.Port = n.srv.Addr().(*net.TCPAddr).Port // a restart keeps the address
	t.Cleanup(n.Shutdown)
	return n
}

func (n *NATS) start() {
	n.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	srv, err := n.config.Start(ctx)
	if err != nil {
		n.t.Fatal(err)
	}
	n.srv = srv
}

// URL is the client URL.
func (n *NATS) URL() string { return n.srv.ClientURL() }

// Shutdown stops the server, keeping its store.
func (n *NATS) Shutdown() {
	if n.srv != nil {
		n.srv.Shutdown()
		n.srv.WaitForShutdown()
	}
}

// Restart stops the server and starts it again on the same port and store,
// as a broker crash and recovery would.
func (n *NATS) Restart() {
	n.t.Helper()
	n.Shutdown()
	n.start()
}

// Connect returns a reconnecting client, closed when the test ends.
func (n *NATS) Connect(t testing.TB) (*nats.Conn, jetstream.JetStream) {
	t.Helper()
	nc, js, err := broker.Connect(n.URL(), t.Name())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	return nc, js
}
