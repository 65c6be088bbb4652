package devserver

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Cert is the certificate an HTTPS session presents: wsgidev's own for
// localhost (LocalCert) or the user's (--cert and --key, LoadCert).
type Cert struct {
	Pair tls.Certificate // its Leaf is set
	File string          // the certificate's file: what a client trusts (curl --cacert FILE)
	Own  bool            // wsgidev's own, kept in its cache folder
	Made bool            // wsgidev made it at this start (first use, or the old one was unfit)
}

// Fingerprint is the SHA-256 of the certificate, as browsers and
// `openssl x509 -fingerprint -sha256` show it: AB:CD:….
func (c *Cert) Fingerprint() string {
	sum := sha256.Sum256(c.Pair.Leaf.Raw)
	hex := make([]string, len(sum))
	for i, b := range sum {
		hex[i] = fmt.Sprintf("%02X", b)
	}
	return strings.Join(hex, ":")
}

// Names are the host names and addresses the certificate is valid for.
func (c *Cert) Names() []string {
	names := append([]string(nil), c.Pair.Leaf.DNSNames...)
	for _, ip := range c.Pair.Leaf.IPAddresses {
		names = append(names, ip.String())
	}
	return names
}

// serverTLS is the server's TLS configuration. HTTP/1.1 only: WSGI is a
// request and a response in order on one connection, and HTTP/2's
// multiplexing, header compression and server-side framing would show
// the app and the inspector a protocol the app never speaks (gunicorn and
// werkzeug serve HTTP/1.1 over TLS too).
func (c *Cert) serverTLS() *tls.Config {
	return &tls.Config{
		Certificates: []tls.Certificate{c.Pair},
		NextProtos:   []string{"http/1.1"},
		MinVersion:   tls.VersionTLS12,
	}
}

// ownClientTLS is what wsgidev's own requests to its server trust (replays
// and pins): exactly the certificate it serves, whatever names it has.
func ownClientTLS(served []byte) *tls.Config {
	return &tls.Config{
		InsecureSkipVerify: true, // replaced by the pin below
		VerifyPeerCertificate: func(raw [][]byte, _ [][]*x509.Certificate) error {
			if len(raw) == 0 || !bytes.Equal(raw[0], served) {
				return errors.New("the server presented another certificate than the one wsgidev serves")
			}
			return nil
		},
		NextProtos: []string{"http/1.1"},
	}
}

// The files of wsgidev's own certificate in its folder, and how long one
// lasts: a year, and a new one is made when less than a month is left.
const (
	localCertName  = "localhost.pem"
	localKeyName   = "localhost-key.pem"
	localCertLife  = 365 * 24 * time.Hour
	localCertRenew = 30 * 24 * time.Hour
)

// localNames are the names wsgidev's own certificate covers.
var localNames = []string{"localhost", "127.0.0.1", "::1"}

// LocalCertDir is where wsgidev keeps its own certificate: wsgidev/tls in
// the user's cache folder.
func LocalCertDir() (string, error) {
	cache, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("--tls: no cache folder to keep the certificate in (%v); set XDG_CACHE_HOME, or give your own with --cert and --key", err)
	}
	return filepath.Join(cache, "wsgidev", "tls"), nil
}

// LocalCert is wsgidev's self-signed certificate for localhost, 127.0.0.1
// and ::1 in dir: the one kept there while it is fit (a pair, valid for a
// month more, for those names), else a new one made now and kept.
func LocalCert(dir string, now time.Time) (*Cert, error) {
	certFile, keyFile := filepath.Join(dir, localCertName), filepath.Join(dir, localKeyName)
	if c, err := readPair(certFile, keyFile); err == nil && localFit(c.Pair.Leaf, now) {
		c.Own = true
		return c, nil
	}
	certPEM, keyPEM, err := makeLocalCert(now)
	if err != nil {
		return nil, fmt.Errorf("--tls: making a certificate: %w", err)
	}
	// The key first, then the certificate, each renamed into place whole:
	// a start that reads them meanwhile sees no pair and makes its own.
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("--tls: keeping the certificate: %w", err)
	}
	if err := writeFileAtomic(keyFile, keyPEM, 0o600); err != nil {
		return nil, fmt.Errorf("--tls: keeping the certificate's key: %w", err)
	}
	if err := writeFileAtomic(certFile, certPEM, 0o644); err != nil {
		return nil, fmt.Errorf("--tls: keeping the certificate: %w", err)
	}
	c, err := readPair(certFile, keyFile)
	if err != nil {
		return nil, fmt.Errorf("--tls: reading back the certificate just made: %w", err)
	}
	c.Own, c.Made = true, true
	return c, nil
}

// localFit says whether a kept certificate can serve on: valid now and a
// month more, for every local name.
func localFit(leaf *x509.Certificate, now time.Time) bool {
	if now.Before(leaf.NotBefore) || now.Add(localCertRenew).After(leaf.NotAfter) {
		return false
	}
	for _, name := range localNames {
		if leaf.VerifyHostname(name) != nil {
			return false
		}
	}
	return true
}

// makeLocalCert makes a self-signed leaf for the local names: ECDSA P-256,
// for serving TLS only (no CA: it can sign nothing else), in PEM.
func makeLocalCert(now time.Time) (certPEM, keyPEM []byte, err error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 128))
	if err != nil {
		return nil, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "localhost", Organization: []string{"wsgidev development certificate"}},
		NotBefore:             now.Add(-time.Hour), // a clock a little behind still takes it
		NotAfter:              now.Add(localCertLife),
		KeyUsage:              x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  false,
		DNSNames:              []string{"localhost"},
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, err
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), nil
}

// writeFileAtomic writes data to a new file beside path, with mode
// whatever the umask, and renames it to path.
func writeFileAtomic(path string, data []byte, mode os.FileMode) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".tmp-"+filepath.Base(path)+"-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name()) // after the rename there is nothing to remove
	_, err = f.Write(data)
	if err == nil {
		err = f.Chmod(mode)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}

// LoadCert reads the certificate and key given with --cert and --key
// (mkcert's, a company's) and checks that they are a pair valid now.
func LoadCert(certFile, keyFile string, now time.Time) (*Cert, error) {
	switch {
	case certFile == "" && keyFile != "":
		return nil, errors.New("--key needs --cert: give both, e.g. --cert localhost.pem --key localhost-key.pem (mkcert localhost 127.0.0.1 makes them), or --tls for wsgidev's own")
	case certFile != "" && keyFile == "":
		return nil, errors.New("--cert needs --key: give the certificate's private key file too, e.g. --cert localhost.pem --key localhost-key.pem")
	}
	c, err := readPair(certFile, keyFile)
	if err != nil {
		return nil, err
	}
	leaf := c.Pair.Leaf
	switch {
	case now.After(leaf.NotAfter):
		return nil, fmt.Errorf("--cert %s expired on %s: make a new one (mkcert localhost 127.0.0.1 ::1), or use --tls for wsgidev's own", certFile, leaf.NotAfter.Format(time.DateOnly))
	case now.Before(leaf.NotBefore):
		return nil, fmt.Errorf("--cert %s is not valid before %s: check this machine's clock, or make a new one", certFile, leaf.NotBefore.Format(time.DateTime))
	}
	return c, nil
}

// readPair reads a certificate file and its key file and checks that the
// key is the certificate's.
func readPair(certFile, keyFile string) (*Cert, error) {
	certPEM, err := os.ReadFile(certFile)
	if err != nil {
		return nil, fmt.Errorf("--cert: %w", err)
	}
	keyPEM, err := os.ReadFile(keyFile)
	if err != nil {
		return nil, fmt.Errorf("--key: %w", err)
	}
	pair, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return nil, pairError(certFile, keyFile, err)
	}
	return &Cert{Pair: pair, File: certFile}, nil
}

// pairError words why two files are no certificate and key.
func pairError(certFile, keyFile string, err error) error {
	msg := err.Error()
	switch {
	case strings.Contains(msg, "does not match"):
		return fmt.Errorf("--cert %s and --key %s are not a pair: the key is not the certificate's; give the key file made with this certificate", certFile, keyFile)
	case strings.Contains(msg, "certificate input"):
		return fmt.Errorf("--cert %s holds no PEM certificate (-----BEGIN CERTIFICATE-----): %v", certFile, err)
	case strings.Contains(msg, "key input") || strings.Contains(msg, "private key"):
		return fmt.Errorf("--key %s holds no private key it can read (PEM, PKCS#1, PKCS#8 or EC): %v", keyFile, err)
	}
	return fmt.Errorf("--cert %s and --key %s: %v", certFile, keyFile, err)
}
