// Verifies a Zorio webhook request with Go's standard library only (Go 1.19+).
//
// In your handler, read the raw body before decoding the JSON, and check it first:
//
//	body, _ := io.ReadAll(r.Body)
//	if err := VerifyStandardWebhook(secret, r.Header, body, time.Now()); err != nil {
//		http.Error(w, "bad signature", http.StatusUnauthorized)
//		return
//	}
//
// Run as a program it reads the raw body on stdin and the headers from a JSON file:
//
//	ZORIO_WEBHOOK_SECRET=... go run . <zorio|standard> headers.json < body
package main

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Tolerance is how far a request's timestamp may be from the receiver's clock.
const Tolerance = 300 * time.Second

var zorioSignature = regexp.MustCompile(`^sha256=([0-9a-fA-F]{64})$`)

func fresh(timestamp string, now time.Time) bool {
	seconds, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil || seconds < 0 {
		return false
	}
	delta := now.Sub(time.Unix(seconds, 0))
	return delta <= Tolerance && delta >= -Tolerance
}

func mac(secret string, parts ...[]byte) []byte {
	h := hmac.New(sha256.New, []byte(secret))
	for _, p := range parts {
		h.Write(p)
	}
	return h.Sum(nil)
}

// VerifyZorioSignature checks X-Zorio-Signature ("sha256=" + hex HMAC-SHA256(secret, raw body))
// and that X-Zorio-Timestamp is fresh.
func VerifyZorioSignature(secret string, h http.Header, body []byte, now time.Time) error {
	if !fresh(h.Get("X-Zorio-Timestamp"), now) {
		return errors.New("X-Zorio-Timestamp missing or more than 300 s off")
	}
	m := zorioSignature.FindStringSubmatch(h.Get("X-Zorio-Signature"))
	if m == nil {
		return errors.New("X-Zorio-Signature missing or malformed")
	}
	given, _ := hex.DecodeString(m[1])
	if !hmac.Equal(given, mac(secret, body)) {
		return errors.New("X-Zorio-Signature does not match")
	}
	return nil
}

// VerifyStandardWebhook checks the Standard Webhooks headers: one space-separated "v1,<base64>"
// entry of webhook-signature must be HMAC-SHA256(secret, "<webhook-id>.<webhook-timestamp>.<raw body>").
func VerifyStandardWebhook(secret string, h http.Header, body []byte, now time.Time) error {
	id, timestamp := h.Get("webhook-id"), h.Get("webhook-timestamp")
	if id == "" || !fresh(timestamp, now) {
		return errors.New("webhook-id missing, or webhook-timestamp missing or stale")
	}
	expected := mac(secret, []byte(id+"."+timestamp+"."), body)
	for _, entry := range strings.Split(h.Get("webhook-signature"), " ") {
		version, signature, found := strings.Cut(entry, ",")
		if !found || version != "v1" {
			continue
		}
		given, err := base64.StdEncoding.DecodeString(signature)
		if err == nil && hmac.Equal(given, expected) {
			return nil
		}
	}
	return errors.New("webhook-signature does not match")
}

func run(args []string) int {
	verifiers := map[string]func(string, http.Header, []byte, time.Time) error{
		"zorio":    VerifyZorioSignature,
		"standard": VerifyStandardWebhook,
	}
	secret := os.Getenv("ZORIO_WEBHOOK_SECRET")
	if len(args) != 2 || verifiers[args[0]] == nil || secret == "" {
		fmt.Println("usage: ZORIO_WEBHOOK_SECRET=... verify <zorio|standard> headers.json")
		return 2
	}
	raw, err := os.ReadFile(args[1])
	var fields map[string]string
	if err == nil {
		err = json.Unmarshal(raw, &fields)
	}
	body, readErr := io.ReadAll(os.Stdin)
	if err != nil || readErr != nil {
		fmt.Println("cannot read the request:", err, readErr)
		return 2
	}
	header := http.Header{}
	for name, value := range fields {
		header.Set(name, value)
	}
	if err := verifiers[args[0]](secret, header, body, time.Now()); err != nil {
		fmt.Println("rejected:", err)
		return 1
	}
	fmt.Println("verified")
	return 0
}

func main() {
	os.Exit(run(os.Args[1:]))
}
