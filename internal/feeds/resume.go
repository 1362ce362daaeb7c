package feeds

import (
	"bufio"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"strconv"
)

// identHead is how much of an input its identity hashes.
const identHead = 64 << 10

// identify names a regular file by its base name, size and the SHA-256 of
// its first 64 KiB, and returns a reader that still yields all of it. ok
// is false for anything else (a request body, a pipe): such inputs do not
// resume.
func identify(name string, r io.Reader) (ident string, rest io.Reader, ok bool, err error) {
	st, isFile := r.(interface{ Stat() (fs.FileInfo, error) })
	if !isFile {
		return "", r, false, nil
	}
	fi, err := st.Stat()
	if err != nil || !fi.Mode().IsRegular() {
		return "", r, false, nil
	}
	br := bufio.NewReaderSize(r, identHead)
	head, err := br.Peek(identHead)
	if err != nil && !errors.Is(err, io.EOF) {
		return "", nil, false, err
	}
	h := sha256.New()
	h.Write([]byte(filepath.Base(name)))
	h.Write([]byte{0})
	h.Write([]byte(strconv.FormatInt(fi.Size(), 10)))
	h.Write([]byte{0})
	h.Write(head)
	return hex.EncodeToString(h.Sum(nil)), br, true, nil
}

// inputRow is an input's row in feed_inputs.
type inputRow struct {
	runID           string
	position, lines int64
	done            bool
}

// inputRow reads the row of an input, nil when there is none.
func (s *Service) inputRow(ctx context.Context, feedID, ident string) (*inputRow, error) {
	var r inputRow
	err := s.db.R().QueryRowContext(ctx, `SELECT run_id, position, lines, done FROM feed_inputs
		WHERE feed_id = $1 AND ident = $2`, feedID, ident).Scan(&r.runID, &r.position, &r.lines, &r.done)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading the position of an input: %w", err)
	}
	return &r, nil
}

// claimInput marks an input as being ingested in this process; false when
// it already is (two ingests of one file would count each other's events
// as repeats and fight over its position).
func (s *Service) claimInput(key string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.inputs[key] {
		return false
	}
	s.inputs[key] = true
	return true
}

func (s *Service) releaseInput(key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.inputs, key)
}

// claimFeed marks a feed as being pulled (or deleted) in this process.
func (s *Service) claimFeed(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.pulling[id] {
		return false
	}
	s.pulling[id] = true
	return true
}

func (s *Service) releaseFeed(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.pulling, id)
}
