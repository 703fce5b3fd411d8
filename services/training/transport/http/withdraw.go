package http

import (
	"context"
	"net/http"
)

// withdraw is the submitter taking back a request (service.Withdraw).
func (a api) withdraw(ctx context.Context, r *http.Request) (any, error) {
	var in reasonInput
	if err := decode(r, &in); err != nil {
		return nil, err
	}
	row, err := a.svc.Withdraw(ctx, actor(ctx), r.PathValue("id"), in.Reason)
	return requestView(row), err
}
