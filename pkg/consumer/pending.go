package consumer

import (
	"context"
	"fmt"
)

// Pending is how many events of its stream the consumer has not finished
// with: not yet delivered, or delivered and not yet acknowledged (in work,
// or waiting for a predecessor). Zero means its copy is as current as the
// stream. It reads JetStream's consumer info, one round trip, so a service
// can tell "not received yet" from "does not exist" when a lookup misses.
func (c *Consumer) Pending(ctx context.Context) (uint64, error) {
	cons, err := c.js.Consumer(ctx, c.cfg.Stream, c.cfg.Name)
	if err != nil {
		return 0, fmt.Errorf("consumer %s: %w", c.cfg.Name, err)
	}
	info, err := cons.Info(ctx)
	if err != nil {
		return 0, fmt.Errorf("consumer %s info: %w", c.cfg.Name, err)
	}
	return info.NumPending + uint64(info.NumAckPending), nil
}
