package web

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// freeAddr finds a loopback port nobody listens on. Serve takes an
// *http.Server that listens by itself, so the test cannot hand it a
// listener.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// selfSigned writes a certificate for 127.0.0.1 and its key into dir.
func selfSigned(t *testing.T, dir string) (certFile, keyFile string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	return certFile, keyFile
}

// TestServeGraceful: a request in flight when the context is cancelled
// still gets its whole answer, and Serve returns nil afterwards.
func TestServeGraceful(t *testing.T) {
	dir := t.TempDir()
	cert, key := selfSigned(t, dir)
	tests := []struct {
		name      string
		cert, key string
		scheme    string
	}{
		{"http", "", "", "http"},
		{"https", cert, key, "https"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			started := make(chan struct{})
			srv := &http.Server{Addr: freeAddr(t), Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/slow" {
					close(started)
					time.Sleep(300 * time.Millisecond)
				}
				_, _ = io.WriteString(w, "complete")
			})}
			client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
			ctx, cancel := context.WithCancel(context.Background())
			logger, _ := newLogger()
			done := make(chan error, 1)
			go func() { done <- Serve(ctx, srv, tc.cert, tc.key, logger) }()

			base := tc.scheme + "://" + srv.Addr
			waitUp(t, client, base+"/")
			body := make(chan string, 1)
			go func() {
				res, err := client.Get(base + "/slow")
				if err != nil {
					body <- "error: " + err.Error()
					return
				}
				b, _ := io.ReadAll(res.Body)
				res.Body.Close()
				body <- string(b)
			}()
			<-started
			cancel()
			if got := <-body; got != "complete" {
				t.Errorf("request in flight got %q, want complete", got)
			}
			if err := <-done; err != nil {
				t.Errorf("Serve = %v, want nil after shutdown", err)
			}
			if _, err := client.Get(base + "/"); err == nil {
				t.Error("server still answers after shutdown")
			}
		})
	}
}

func waitUp(t *testing.T, client *http.Client, url string) {
	t.Helper()
	for range 100 {
		res, err := client.Get(url)
		if err == nil {
			res.Body.Close()
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("server at %s never came up", url)
}

func TestServeFailsToStart(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	dir := t.TempDir()
	tests := []struct {
		name, addr, cert, key, want string
	}{
		{"port in use", busy.Addr().String(), "", "", "address already in use"},
		{"missing certificate", freeAddr(t), filepath.Join(dir, "none.pem"), filepath.Join(dir, "none.key"), "no such file"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			logger, _ := newLogger()
			err := Serve(context.Background(), &http.Server{Addr: tc.addr}, tc.cert, tc.key, logger)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Serve = %v, want an error containing %q", err, tc.want)
			}
		})
	}
}
