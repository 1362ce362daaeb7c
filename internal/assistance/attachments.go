package assistance

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"path"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"atalaya/internal/access"
	"atalaya/internal/store"
)

// cleanName keeps the last element of a file name as a browser or a
// command line sent it (either kind of slash), without control characters
// or leading dots, at most 200 characters.
func cleanName(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == utf8.RuneError {
			return -1
		}
		return r
	}, name)
	name = strings.TrimLeft(strings.TrimSpace(name), ".")
	if utf8.RuneCountInString(name) > shortText {
		ext := path.Ext(name)
		if utf8.RuneCountInString(ext) > 20 {
			ext = ""
		}
		name = string([]rune(name)[:shortText-utf8.RuneCountInString(ext)]) + ext
	}
	return strings.TrimSpace(name)
}

// contentTypeOf keeps a well-formed media type given with the file, or
// guesses one from the name.
func contentTypeOf(given, name string) string {
	if mt, params, err := mime.ParseMediaType(given); err == nil {
		return mime.FormatMediaType(mt, params)
	}
	if t := mime.TypeByExtension(path.Ext(name)); t != "" {
		return t
	}
	return "application/octet-stream"
}

func (s *Service) attach(ctx context.Context, a access.Actor, id, name, contentType string, r io.Reader) (Attachment, error) {
	// Whether the actor may attach is settled before the file is read.
	req, err := s.visible(ctx, s.db.R(), a, id)
	if err != nil {
		return Attachment{}, err
	}
	if err := allow(a, access.FileAssistance, req.Country); err != nil {
		return Attachment{}, err
	}
	if ended(req.State) {
		return Attachment{}, notEditable("file", req.State)
	}
	name = cleanName(name)
	if name == "" {
		return Attachment{}, newInvalid("file", "file_name", "the file needs a name", nil)
	}
	if r == nil {
		return Attachment{}, newInvalid("file", "file_empty", "the file is empty", nil)
	}
	var buf bytes.Buffer
	if _, err := io.Copy(&buf, io.LimitReader(r, MaxAttachment+1)); err != nil {
		return Attachment{}, fmt.Errorf("reading attachment %q: %w", name, err)
	}
	switch {
	case buf.Len() > MaxAttachment:
		return Attachment{}, newInvalid("file", "file_too_large",
			fmt.Sprintf("the file is larger than %d bytes", MaxAttachment), map[string]any{"Max": strconv.Itoa(MaxAttachment)})
	case buf.Len() == 0:
		return Attachment{}, newInvalid("file", "file_empty", "the file is empty", nil)
	}
	sum := sha256.Sum256(buf.Bytes())
	at := Attachment{ID: store.NewID(), RequestID: id, Name: name, ContentType: contentTypeOf(contentType, name),
		Size: int64(buf.Len()), SHA256: hex.EncodeToString(sum[:]), ByUserID: a.UserID}
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		req, err := s.forChange(ctx, tx, a, id, access.FileAssistance)
		if err != nil {
			return err
		}
		if ended(req.State) {
			return notEditable("file", req.State)
		}
		now := s.stamp(0)
		at.At = store.Time(now)
		_, err = tx.ExecContext(ctx, `INSERT INTO assistance_attachments (id, request_id, name, content_type, size,
			sha256, by_user_id, at, content) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
			at.ID, id, at.Name, at.ContentType, at.Size, at.SHA256, at.ByUserID, now, buf.Bytes())
		if err != nil {
			return fmt.Errorf("storing attachment: %w", err)
		}
		if err := s.touch(ctx, tx, req); err != nil {
			return err
		}
		return record(ctx, tx, a, "assistance.attach", objAttachment, at.ID, nil, at)
	})
	if err != nil {
		return Attachment{}, err
	}
	return at, nil
}

const attachmentColumns = `id, request_id, name, content_type, size, sha256, by_user_id, at`

func scanAttachment(sc scanner) (Attachment, error) {
	var at Attachment
	var ms int64
	if err := sc.Scan(&at.ID, &at.RequestID, &at.Name, &at.ContentType, &at.Size, &at.SHA256, &at.ByUserID, &ms); err != nil {
		return Attachment{}, err
	}
	at.At = store.Time(ms)
	return at, nil
}

func listAttachments(ctx context.Context, q store.Querier, requestID string) ([]Attachment, error) {
	return collect(ctx, q, `SELECT `+attachmentColumns+` FROM assistance_attachments WHERE request_id = $1 ORDER BY at, id`,
		[]any{requestID}, scanAttachment)
}

func (s *Service) attachmentContent(ctx context.Context, a access.Actor, requestID, attachmentID string) (Attachment, []byte, error) {
	if _, err := s.visible(ctx, s.db.R(), a, requestID); err != nil {
		return Attachment{}, nil, err
	}
	var content []byte
	var at Attachment
	var ms int64
	err := s.db.R().QueryRowContext(ctx, `SELECT `+attachmentColumns+`, content FROM assistance_attachments
		WHERE id = $1 AND request_id = $2`, attachmentID, requestID).
		Scan(&at.ID, &at.RequestID, &at.Name, &at.ContentType, &at.Size, &at.SHA256, &at.ByUserID, &ms, &content)
	if errors.Is(err, sql.ErrNoRows) {
		return Attachment{}, nil, fmt.Errorf("attachment %s: %w", attachmentID, store.ErrNotFound)
	}
	if err != nil {
		return Attachment{}, nil, fmt.Errorf("reading attachment %s: %w", attachmentID, err)
	}
	at.At = store.Time(ms)
	return at, content, nil
}

func (s *Service) deleteAttachment(ctx context.Context, a access.Actor, requestID, attachmentID string) error {
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		req, err := s.forChange(ctx, tx, a, requestID, access.FileAssistance)
		if err != nil {
			return err
		}
		at, err := scanAttachment(tx.QueryRowContext(ctx, `SELECT `+attachmentColumns+` FROM assistance_attachments
			WHERE id = $1 AND request_id = $2`, attachmentID, requestID))
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("attachment %s: %w", attachmentID, store.ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("reading attachment %s: %w", attachmentID, err)
		}
		// Who attached a file may take it back; the secretariat any.
		if at.ByUserID != a.UserID {
			if err := allow(a, access.ManageAssistance, req.Country); err != nil {
				return err
			}
		}
		if ended(req.State) {
			return notEditable("file", req.State)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM assistance_attachments WHERE id = $1`, attachmentID); err != nil {
			return fmt.Errorf("deleting attachment %s: %w", attachmentID, err)
		}
		if err := s.touch(ctx, tx, req); err != nil {
			return err
		}
		return record(ctx, tx, a, "assistance.attachment.delete", objAttachment, attachmentID, at, nil)
	})
}

// collect runs a query and scans every row with scan.
func collect[T any](ctx context.Context, q store.Querier, sqlText string, args []any, scan func(scanner) (T, error)) ([]T, error) {
	rows, err := q.QueryContext(ctx, sqlText, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}
