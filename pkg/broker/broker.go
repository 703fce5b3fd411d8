// Package broker connects to NATS JetStream and runs the embedded server
// that `rapport dev` and the tests use.
package broker

import (
	"context"
	"fmt"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// Connect dials url and keeps reconnecting for as long as the process lives:
// a broker restart must not end a service.
func Connect(url, name string) (*nats.Conn, jetstream.JetStream, error) {
	nc, err := nats.Connect(url,
		nats.Name(name),
		nats.MaxReconnects(-1),
		nats.ReconnectWait(250*time.Millisecond),
		nats.RetryOnFailedConnect(false),
	)
	if err != nil {
		return nil, nil, fmt.Errorf("connect to nats %s: %w", url, err)
	}
	js, err := jetstream.New(nc, jetstream.WithPublishAsyncMaxPending(4096))
	if err != nil {
		nc.Close()
		return nil, nil, fmt.Errorf("jetstream: %w", err)
	}
	return nc, js, nil
}

// Embedded describes an in-process JetStream server.
type Embedded struct {
	StoreDir string // file storage for streams
	Host     string // default 127.0.0.1
	Port     int    // 0 picks a free port
	// SyncAlways fsyncs every write before acknowledging it, as the cluster
	// configs in deploy/ do; tests leave it off for speed.
	SyncAlways bool
}

// Start runs the embedded server and waits until it accepts connections.
func (e Embedded) Start(ctx context.Context) (*server.Server, error) {
	host := e.Host
	if host == "" {
		host = "127.0.0.1"
	}
	port := e.Port
	if port == 0 {
		port = server.RANDOM_PORT
	}
	opts := &server.Options{
		ServerName: "rapport-embedded",
		Host:       host,
		Port:       port,
		JetStream:  true,
		StoreDir:   e.StoreDir,
		NoLog:      true,
		NoSigs:     true,
		SyncAlways: e.SyncAlways,
	}
	s, err := server.NewServer(opts)
	if err != nil {
		return nil, fmt.Errorf("embedded nats: %w", err)
	}
	go s.Start()
	deadline := 10 * time.Second
	if d, ok := ctx.Deadline(); ok {
		deadline = time.Until(d)
	}
	if !s.ReadyForConnections(deadline) {
		s.Shutdown()
		s.WaitForShutdown()
		return nil, fmt.Errorf("embedded nats did not start within %s", deadline)
	}
	return s, nil
}
