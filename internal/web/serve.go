package web

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"
)

// ShutdownTimeout is how long Serve lets requests in flight finish after
// its context is cancelled, before it closes their connections.
const ShutdownTimeout = 15 * time.Second

// Serve runs srv until ctx is cancelled or the server fails. With certFile
// and keyFile it serves HTTPS, else plain HTTP (for a laptop, or behind a
// proxy that terminates TLS). On cancellation it stops accepting
// connections and waits up to ShutdownTimeout for requests in flight; it
// returns nil after a clean shutdown.
func Serve(ctx context.Context, srv *http.Server, certFile, keyFile string, logger *slog.Logger) error {
	tls := certFile != "" || keyFile != ""
	errc := make(chan error, 1)
	go func() {
		logger.Info("http server listening", "addr", srv.Addr, "tls", tls)
		if tls {
			errc <- srv.ListenAndServeTLS(certFile, keyFile)
		} else {
			errc <- srv.ListenAndServe()
		}
	}()
	select {
	case err := <-errc:
		// The server stopped on its own: a port in use, a bad certificate.
		return fmt.Errorf("serving on %s: %w", srv.Addr, err)
	case <-ctx.Done():
	}
	logger.Info("http server shutting down", "addr", srv.Addr)
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		_ = srv.Close()
		return fmt.Errorf("shutting down %s: %w", srv.Addr, err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serving on %s: %w", srv.Addr, err)
	}
	logger.Info("http server stopped", "addr", srv.Addr)
	return nil
}
