package devserver

import (
	"crypto/ecdsa"
	"crypto/x509"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// wsgidev's own certificate: made once, kept with a private key file,
// reused while fit, made again when it is not.
func TestLocalCertMadeKeptAndReused(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "wsgidev", "tls")
	now := time.Now()
	first, err := LocalCert(dir, now)
	if err != nil {
		t.Fatal(err)
	}
	if !first.Made || !first.Own {
		t.Errorf("first use: Made %v, Own %v; want both", first.Made, first.Own)
	}
	leaf := first.Pair.Leaf
	if _, ok := leaf.PublicKey.(*ecdsa.PublicKey); !ok {
		t.Errorf("key is %T, want ECDSA", leaf.PublicKey)
	}
	if leaf.IsCA || !leaf.BasicConstraintsValid || leaf.KeyUsage&x509.KeyUsageCertSign != 0 {
		t.Errorf("a leaf that is no CA was wanted: IsCA %v, constraints %v, usage %v", leaf.IsCA, leaf.BasicConstraintsValid, leaf.KeyUsage)
	}
	if len(leaf.ExtKeyUsage) != 1 || leaf.ExtKeyUsage[0] != x509.ExtKeyUsageServerAuth {
		t.Errorf("ExtKeyUsage %v, want serverAuth only", leaf.ExtKeyUsage)
	}
	if got := strings.Join(first.Names(), " "); got != "localhost 127.0.0.1 ::1" {
		t.Errorf("names %q", got)
	}
	// A client that trusts the certificate itself accepts it for each name.
	roots := x509.NewCertPool()
	roots.AddCert(leaf)
	for _, name := range localNames {
		if _, err := leaf.Verify(x509.VerifyOptions{DNSName: name, Roots: roots}); err != nil {
			t.Errorf("verifying for %s: %v", name, err)
		}
	}
	key, err := os.Stat(filepath.Join(dir, localKeyName))
	if err != nil {
		t.Fatal(err)
	}
	if key.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v, want 0600", key.Mode().Perm())
	}

	again, err := LocalCert(dir, now.Add(24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if again.Made || again.Fingerprint() != first.Fingerprint() {
		t.Errorf("second use: Made %v, fingerprint %s, want the first one's %s", again.Made, again.Fingerprint(), first.Fingerprint())
	}
	// Less than a month left: a new one.
	late, err := LocalCert(dir, leaf.NotAfter.Add(-7*24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if !late.Made || late.Fingerprint() == first.Fingerprint() {
		t.Errorf("a week before it expires the certificate was not renewed (Made %v)", late.Made)
	}
}

// A key file that is not the certificate's (two starts raced, or an
// edit) makes a new pair instead of failing.
func TestLocalCertReplacesABrokenPair(t *testing.T) {
	dir := t.TempDir()
	if _, err := LocalCert(dir, time.Now()); err != nil {
		t.Fatal(err)
	}
	_, otherKey, err := makeLocalCert(time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, localKeyName), otherKey, 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := LocalCert(dir, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if !c.Made {
		t.Error("a mismatched pair was served instead of replaced")
	}
}

func TestLoadCertErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	certA, keyA, err := makeLocalCert(time.Now())
	if err != nil {
		t.Fatal(err)
	}
	_, keyB, err := makeLocalCert(time.Now())
	if err != nil {
		t.Fatal(err)
	}
	cert, key, other := write("a.pem", certA), write("a-key.pem", keyA), write("b-key.pem", keyB)
	garbage := write("garbage.pem", []byte("not a certificate\n"))

	tests := []struct {
		name       string
		cert, key  string
		now        time.Time
		wantSubstr string
	}{
		{"key without cert", "", key, time.Now(), "--key needs --cert"},
		{"cert without key", cert, "", time.Now(), "--cert needs --key"},
		{"missing file", filepath.Join(dir, "nothere.pem"), key, time.Now(), "no such file"},
		{"not a pair", cert, other, time.Now(), "are not a pair"},
		{"not PEM", garbage, key, time.Now(), "holds no PEM certificate"},
		{"expired", cert, key, time.Now().Add(2 * localCertLife), "expired on"},
		{"not yet valid", cert, key, time.Now().Add(-48 * time.Hour), "not valid before"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := LoadCert(tt.cert, tt.key, tt.now)
			if err == nil || !strings.Contains(err.Error(), tt.wantSubstr) {
				t.Fatalf("error %v, want one with %q", err, tt.wantSubstr)
			}
		})
	}
	c, err := LoadCert(cert, key, time.Now())
	if err != nil {
		t.Fatalf("a good pair: %v", err)
	}
	if c.Own || c.Made || c.File != cert {
		t.Errorf("a given pair: %+v", c)
	}
}
