package importing

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
)

// Fingerprint returns the hex SHA-256 of a file's bytes. Storing it with an
// import lets the service answer a re-upload of the same file with the earlier
// import instead of creating everything again.
func Fingerprint(r io.Reader) (string, error) {
	h := sha256.New()
	if _, err := io.Copy(h, r); err != nil {
		return "", fmt.Errorf("import: fingerprint: %w", err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
