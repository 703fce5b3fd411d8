package service

import (
	"encoding/json"
	"time"
)

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }

var farFuture = time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
