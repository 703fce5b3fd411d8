// Package stream declares the one JetStream stream of each bounded context.
package stream

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// Config describes a context's stream; zero fields take the defaults.
type Config struct {
	Context         string        // e.g. contact: stream CONTACT holds contact.>
	Replicas        int           // 1 locally, 3 in a cluster
	DuplicateWindow time.Duration // Nats-Msg-Id de-duplication window (default 2m)
	MaxAge          time.Duration // how long events are kept (default 30 days)
	MaxBytes        int64         // size limit, -1 for none (default -1)
}

// Name is the stream name of a context.
func Name(context string) string { return strings.ToUpper(context) }

// Ensure creates the stream or brings an existing one to cfg; it is safe to
// call from every replica at every start.
func Ensure(ctx context.Context, js jetstream.JetStream, cfg Config) (jetstream.Stream, error) {
	if cfg.Replicas <= 0 {
		cfg.Replicas = 1
	}
	if cfg.DuplicateWindow <= 0 {
		cfg.DuplicateWindow = 2 * time.Minute
	}
	if cfg.MaxAge <= 0 {
		cfg.MaxAge = 30 * 24 * time.Hour
	}
	if cfg.MaxBytes == 0 {
		cfg.MaxBytes = -1
	}
	s, err := js.CreateOrUpdateStream(ctx, jetstream.StreamConfig{
		Name:        Name(cfg.Context),
		Description: "Rapport " + cfg.Context + " domain events",
		Subjects:    []string{cfg.Context + ".>"},
		Storage:     jetstream.FileStorage,
		Retention:   jetstream.LimitsPolicy,
		Replicas:    cfg.Replicas,
		Duplicates:  cfg.DuplicateWindow,
		MaxAge:      cfg.MaxAge,
		MaxBytes:    cfg.MaxBytes,
		Discard:     jetstream.DiscardOld,
	})
	if err != nil {
		return nil, fmt.Errorf("ensure stream %s: %w", Name(cfg.Context), err)
	}
	return s, nil
}
