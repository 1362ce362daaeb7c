package web

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"time"
)

// recorder remembers the status and size of a response. It passes Flush
// through (server-sent events need it) and exposes the original writer
// with Unwrap, so http.ResponseController reaches Hijack, deadlines and
// the rest.
type recorder struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (rw *recorder) WriteHeader(code int) {
	if rw.status == 0 && code >= 200 {
		rw.status = code
	}
	rw.ResponseWriter.WriteHeader(code)
}

func (rw *recorder) Write(p []byte) (int, error) {
	if rw.status == 0 {
		rw.status = http.StatusOK
	}
	n, err := rw.ResponseWriter.Write(p)
	rw.bytes += int64(n)
	return n, err
}

// Flush sends buffered data to the client, when the writer below can.
func (rw *recorder) Flush() {
	if rw.status == 0 {
		rw.status = http.StatusOK
	}
	_ = http.NewResponseController(rw.ResponseWriter).Flush()
}

// Unwrap returns the wrapped writer for http.ResponseController.
func (rw *recorder) Unwrap() http.ResponseWriter { return rw.ResponseWriter }

// written reports whether the response has started: after that, its status
// can no longer change.
func (rw *recorder) written() bool { return rw.status != 0 }

// statusOf is the status a client received: a handler that wrote nothing
// answered 200.
func (rw *recorder) statusOf() int {
	if rw.status == 0 {
		return http.StatusOK
	}
	return rw.status
}

// Logging writes one access-log line per request: method, path, status,
// duration and bytes written, plus the client address. The query string is
// left out on purpose: it may carry search terms or tokens.
func Logging(logger *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rw := &recorder{ResponseWriter: w}
		defer func() {
			logger.LogAttrs(r.Context(), slog.LevelInfo, "http request",
				slog.String("method", r.Method),
				slog.String("path", r.URL.Path),
				slog.Int("status", rw.statusOf()),
				slog.Duration("duration", time.Since(start)),
				slog.Int64("bytes", rw.bytes),
				slog.String("addr", ClientAddr(r)),
			)
		}()
		next.ServeHTTP(rw, r)
	})
}

// Recover turns a panic in next into a 500 answer and an error log with the
// stack, so one bad request neither kills the server nor drops the
// connection without a word. The client never sees the panic value or the
// stack. http.ErrAbortHandler is re-raised: it is how a handler asks
// net/http to abort a response on purpose.
func Recover(logger *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rw := &recorder{ResponseWriter: w}
		defer func() {
			p := recover()
			if p == nil {
				return
			}
			if err, ok := p.(error); ok && errors.Is(err, http.ErrAbortHandler) {
				panic(p)
			}
			logger.LogAttrs(r.Context(), slog.LevelError, "panic serving request",
				slog.String("method", r.Method),
				slog.String("path", r.URL.Path),
				slog.String("panic", fmt.Sprint(p)),
				slog.String("stack", string(debug.Stack())),
			)
			if rw.written() {
				// Too late for a 500: abort so the client sees a broken
				// response rather than a truncated one that looks whole.
				panic(http.ErrAbortHandler)
			}
			writeServerError(rw, r)
		}()
		next.ServeHTTP(rw, r)
	})
}

// writeServerError answers 500 in the form the client reads: a short page
// for browsers, problem+json for everything else.
func writeServerError(w http.ResponseWriter, r *http.Request) {
	// Headers the handler set for the content it meant to send would lie
	// about this one.
	h := w.Header()
	for _, k := range []string{"Content-Length", "Content-Encoding", "Content-Disposition", "Content-Range", "ETag", "Last-Modified"} {
		h.Del(k)
	}
	h.Set("Cache-Control", "no-store")
	if strings.Contains(r.Header.Get("Accept"), "text/html") {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = w.Write([]byte("Internal Server Error\n"))
		return
	}
	WriteProblem(w, r, Problem{Status: http.StatusInternalServerError, Detail: genericDetail})
}
