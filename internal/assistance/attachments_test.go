package assistance

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"
)

// TestAttachments stores files up to MaxAttachment with a clean name and
// their digest, byte for byte, for those who may see the request.
func TestAttachments(t *testing.T) {
	each(t, func(t *testing.T, f *fx) {
		r := f.draft(t, mxGov, "MX")
		// Bytes that are not text, and digits a numeric column could
		// mistake for a number.
		content := append([]byte("12345"), 0, 0xff, 0xfe, '\n', 'x')
		at, err := f.s.Attach(ctx, mxGov, r.ID, `C:\Users\ana\..\Plan de trabajo.pdf`, "", bytes.NewReader(content))
		must(t, "Attach", err)
		sum := sha256.Sum256(content)
		if at.Name != "Plan de trabajo.pdf" || at.Size != int64(len(content)) || at.SHA256 != hex.EncodeToString(sum[:]) ||
			at.ContentType != "application/pdf" || at.ByUserID != mxGov.UserID {
			t.Errorf("attachment %+v", at)
		}
		got, body, err := f.s.AttachmentContent(ctx, sec, r.ID, at.ID)
		must(t, "AttachmentContent", err)
		if !bytes.Equal(body, content) || got.SHA256 != at.SHA256 {
			t.Errorf("content = %q, want %q", body, content)
		}
		if _, _, err := f.s.AttachmentContent(ctx, crGov, r.ID, at.ID); outcome(err) != unseen {
			t.Errorf("CR reads MX's file: %v", err)
		}
		other := f.draft(t, sec, "MX")
		if _, _, err := f.s.AttachmentContent(ctx, sec, other.ID, at.ID); outcome(err) != unseen {
			t.Errorf("file read through another request: %v", err)
		}

		names := []struct{ in, want string }{
			{"../../etc/passwd", "passwd"},
			{"..hidden", "hidden"},
			{"a\x00b\nc.txt", "abc.txt"},
			{strings.Repeat("n", 300) + ".docx", strings.Repeat("n", 195) + ".docx"},
		}
		for _, n := range names {
			if got := cleanName(n.in); got != n.want {
				t.Errorf("cleanName(%q) = %q, want %q", n.in, got, n.want)
			}
		}

		_, err = f.s.Attach(ctx, mxGov, r.ID, "big.bin", "", bytes.NewReader(make([]byte, MaxAttachment+1)))
		wantInvalid(t, err, "file", "assistance.file_too_large")
		_, err = f.s.Attach(ctx, mxGov, r.ID, "/", "", strings.NewReader("x"))
		wantInvalid(t, err, "file", "assistance.file_name")
		_, err = f.s.Attach(ctx, mxGov, r.ID, "empty.txt", "", strings.NewReader(""))
		wantInvalid(t, err, "file", "assistance.file_empty")
		_, err = f.s.Attach(ctx, mxGov, r.ID, "nil.txt", "", nil)
		wantInvalid(t, err, "file", "assistance.file_empty")
		if n := f.count(t, "assistance_attachments", ""); n != 1 {
			t.Errorf("%d attachments stored, want the first only", n)
		}
		exact, err := f.s.Attach(ctx, mxGov, r.ID, "exact.bin", "application/x-custom; a=b", bytes.NewReader(make([]byte, MaxAttachment)))
		must(t, "Attach of MaxAttachment bytes", err)
		if exact.ContentType != "application/x-custom; a=b" {
			t.Errorf("content type %q", exact.ContentType)
		}

		if d := f.details(t, r.ID); len(d.Attachments) != 2 {
			t.Errorf("%d attachments listed", len(d.Attachments))
		}
		must(t, "DeleteAttachment", f.s.DeleteAttachment(ctx, mxGov, r.ID, exact.ID))
		closed := f.in(t, mxGov, "MX", Withdrawn)
		_, err = f.s.Attach(ctx, mxGov, closed.ID, "late.txt", "", strings.NewReader("x"))
		wantInvalid(t, err, "file", "assistance.not_editable")
	})
}
