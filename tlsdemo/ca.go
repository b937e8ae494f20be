package tlsdemo

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"math/big"
	"net"
	"os"
	"os/user"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

// File names of a CA kept on disk, the names mkcert uses.
const (
	CACertFile = "rootCA.pem"
	CAKeyFile  = "rootCA-key.pem"
)

// Validity periods.
const (
	// CAValidity is how long a new root CA is valid: mkcert's ten years.
	CAValidity = 10 * 365 * 24 * time.Hour
	// LeafValidity is how long a leaf certificate is valid. Browsers refuse
	// TLS server certificates valid for more than 398 days (the
	// CA/Browser Forum baseline requirements), so stay below that.
	LeafValidity = 397 * 24 * time.Hour
)

// DefaultLeafNames are the names every leaf certificate covers: the loopback
// host name and both loopback addresses.
var DefaultLeafNames = []string{"localhost", "127.0.0.1", "::1"}

// A CA is a certificate authority for development: a self-signed root
// certificate and its private key. It issues leaf certificates that a client
// trusts once it trusts the root, the way mkcert works.
type CA struct {
	// Cert is the root certificate.
	Cert *x509.Certificate
	// Key is its private key.
	Key crypto.Signer
	// Dir is where the CA is kept, or "" for a CA that lives only in memory.
	Dir string
}

// DefaultCADir returns where the development CA is kept: "wirelab/ca" under
// the user's configuration directory (os.UserConfigDir: $XDG_CONFIG_HOME or
// ~/.config on Linux, ~/Library/Application Support on macOS, %AppData% on
// Windows).
func DefaultCADir() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("tlsdemo: no user config dir for the CA: %w (pass a directory)", err)
	}
	return filepath.Join(dir, "wirelab", "ca"), nil
}

// NewCA creates a CA in memory, valid for CAValidity from now. name is the
// root certificate's common name; "" gives "wirelab development CA" with the
// user and host names, as mkcert does, so a learner can tell whose CA a
// certificate chains to.
func NewCA(name string) (*CA, error) {
	if name == "" {
		name = "wirelab development CA " + whoami()
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("tlsdemo: generating the CA key: %w", err)
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber: randomSerial(),
		Subject: pkix.Name{
			Organization:       []string{"wirelab development CA"},
			OrganizationalUnit: []string{whoami()},
			CommonName:         name,
		},
		NotBefore: now.Add(-time.Hour), // tolerate clocks a little behind
		NotAfter:  now.Add(CAValidity),
		// RFC 5280 §4.2.1.9: a CA certificate has basicConstraints cA=TRUE.
		// MaxPathLen 0 means it signs leaves only, never another CA.
		IsCA:                  true,
		BasicConstraintsValid: true,
		MaxPathLen:            0,
		MaxPathLenZero:        true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		return nil, fmt.Errorf("tlsdemo: creating the CA certificate: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	return &CA{Cert: cert, Key: key}, nil
}

// LoadOrCreateCA loads the CA kept in dir, or creates one there if dir holds
// none. created reports which. The directory is made with mode 0700, the
// key is written with mode 0600 and the certificate with 0644. A key file
// that others can read is refused: whoever holds the key can impersonate
// any site to every client that trusts the CA.
func LoadOrCreateCA(dir string) (ca *CA, created bool, err error) {
	if dir == "" {
		return nil, false, errors.New("tlsdemo: no CA directory given")
	}
	ca, err = LoadCA(dir)
	if err == nil {
		return ca, false, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, false, err
	}
	ca, err = NewCA("")
	if err != nil {
		return nil, false, err
	}
	if err := ca.Save(dir); err != nil {
		return nil, false, err
	}
	return ca, true, nil
}

// LoadCA loads the CA kept in dir. The error wraps fs.ErrNotExist when dir
// holds no CA.
func LoadCA(dir string) (*CA, error) {
	certPEM, err := os.ReadFile(filepath.Join(dir, CACertFile))
	if err != nil {
		return nil, fmt.Errorf("tlsdemo: loading the CA: %w", err)
	}
	keyPath := filepath.Join(dir, CAKeyFile)
	fi, err := os.Stat(keyPath)
	if err != nil {
		return nil, fmt.Errorf("tlsdemo: loading the CA key: %w", err)
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("tlsdemo: CA key %s has mode %v: others can read it; run chmod 600 %s", keyPath, fi.Mode().Perm(), keyPath)
	}
	keyPEM, err := os.ReadFile(keyPath)
	if err != nil {
		return nil, fmt.Errorf("tlsdemo: loading the CA key: %w", err)
	}
	pair, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return nil, fmt.Errorf("tlsdemo: the CA in %s: %w", dir, err)
	}
	signer, ok := pair.PrivateKey.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("tlsdemo: the CA key in %s cannot sign", dir)
	}
	cert := pair.Leaf
	if cert == nil {
		if cert, err = x509.ParseCertificate(pair.Certificate[0]); err != nil {
			return nil, err
		}
	}
	if !cert.IsCA {
		return nil, fmt.Errorf("tlsdemo: %s is not a CA certificate (basicConstraints cA is false)", filepath.Join(dir, CACertFile))
	}
	return &CA{Cert: cert, Key: signer, Dir: dir}, nil
}

// Save writes the CA to dir: the certificate as CACertFile (0644) and the
// key as CAKeyFile (0600), in a directory made with mode 0700.
func (ca *CA) Save(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("tlsdemo: creating the CA directory: %w", err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(ca.Key)
	if err != nil {
		return fmt.Errorf("tlsdemo: encoding the CA key: %w", err)
	}
	keyPath := filepath.Join(dir, CAKeyFile)
	// O_EXCL: never overwrite a key someone may already trust.
	f, err := os.OpenFile(keyPath, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("tlsdemo: writing the CA key: %w", err)
	}
	err = pem.Encode(f, &pem.Block{Type: "PRIVATE KEY", Bytes: keyDER})
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("tlsdemo: writing the CA key: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, CACertFile), ca.CertPEM(), 0o644); err != nil {
		return fmt.Errorf("tlsdemo: writing the CA certificate: %w", err)
	}
	ca.Dir = dir
	return nil
}

// CertPath returns the path of the root certificate, or "" for a CA in
// memory.
func (ca *CA) CertPath() string {
	if ca.Dir == "" {
		return ""
	}
	return filepath.Join(ca.Dir, CACertFile)
}

// KeyPath returns the path of the root key, or "" for a CA in memory.
func (ca *CA) KeyPath() string {
	if ca.Dir == "" {
		return ""
	}
	return filepath.Join(ca.Dir, CAKeyFile)
}

// CertPEM returns the root certificate, PEM-encoded.
func (ca *CA) CertPEM() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ca.Cert.Raw})
}

// Pool returns a certificate pool holding only the root: a client that
// uses it as tls.Config.RootCAs trusts this CA and nothing else.
func (ca *CA) Pool() *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(ca.Cert)
	return p
}

// Fingerprint returns the SHA-256 of the root certificate, hex-encoded:
// what a learner compares when told to trust it.
func (ca *CA) Fingerprint() string {
	return Fingerprint(ca.Cert)
}

// Fingerprint returns the SHA-256 of a certificate's DER bytes, hex-encoded.
func Fingerprint(c *x509.Certificate) string {
	sum := sha256.Sum256(c.Raw)
	return hex.EncodeToString(sum[:])
}

// A LeafRequest says what leaf certificate to issue.
type LeafRequest struct {
	// Names are DNS names and IP addresses, in any order. Each becomes a
	// subject alternative name; clients match the host they dialled against
	// these (RFC 9110 §4.3.4, RFC 6125), never against the common name.
	Names []string
	// NotBefore and NotAfter bound the validity; zero means from an hour
	// ago to LeafValidity from now.
	NotBefore, NotAfter time.Time
}

// Issue issues a leaf certificate for DefaultLeafNames and the given
// names, valid for LeafValidity, ready for tls.Config.Certificates. The
// chain it carries is the leaf alone: the client already holds the root.
func (ca *CA) Issue(names ...string) (*tls.Certificate, error) {
	return ca.IssueLeaf(LeafRequest{Names: append(append([]string(nil), DefaultLeafNames...), names...)})
}

// IssueLeaf issues a leaf certificate exactly as req says.
func (ca *CA) IssueLeaf(req LeafRequest) (*tls.Certificate, error) {
	if len(req.Names) == 0 {
		return nil, errors.New("tlsdemo: a leaf certificate needs at least one name")
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("tlsdemo: generating a leaf key: %w", err)
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber: randomSerial(),
		Subject: pkix.Name{
			Organization:       []string{"wirelab development certificate"},
			OrganizationalUnit: []string{whoami()},
		},
		NotBefore:   req.NotBefore,
		NotAfter:    req.NotAfter,
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	if tmpl.NotBefore.IsZero() {
		tmpl.NotBefore = now.Add(-time.Hour)
	}
	if tmpl.NotAfter.IsZero() {
		tmpl.NotAfter = now.Add(LeafValidity)
	}
	seen := map[string]bool{}
	for _, n := range req.Names {
		n = strings.TrimSpace(n)
		if n == "" || seen[n] {
			continue
		}
		seen[n] = true
		if ip := net.ParseIP(n); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			if strings.ContainsAny(n, " /:") {
				return nil, fmt.Errorf("tlsdemo: %q is neither a host name nor an IP address", n)
			}
			tmpl.DNSNames = append(tmpl.DNSNames, n)
		}
	}
	tmpl.Subject.CommonName = req.Names[0]
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.Cert, key.Public(), ca.Key)
	if err != nil {
		return nil, fmt.Errorf("tlsdemo: issuing a leaf certificate: %w", err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	return &tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, nil
}

// LeafFiles returns where mkcert would write a leaf for names: the first
// name, "+N" for N more names, then ".pem" and "-key.pem", in dir.
func LeafFiles(dir string, names []string) (certPath, keyPath string) {
	base := "cert"
	if len(names) > 0 {
		base = strings.NewReplacer(":", "_", "*", "_wildcard").Replace(names[0])
		if len(names) > 1 {
			base += fmt.Sprintf("+%d", len(names)-1)
		}
	}
	return filepath.Join(dir, base+".pem"), filepath.Join(dir, base+"-key.pem")
}

// WriteLeaf writes a leaf certificate and its key as PEM files, the key
// with mode 0600.
func WriteLeaf(cert *tls.Certificate, certPath, keyPath string) error {
	var certPEM []byte
	for _, der := range cert.Certificate {
		certPEM = append(certPEM, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})...)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(cert.PrivateKey)
	if err != nil {
		return fmt.Errorf("tlsdemo: encoding the leaf key: %w", err)
	}
	if err := os.WriteFile(keyPath, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		return fmt.Errorf("tlsdemo: writing the leaf key: %w", err)
	}
	if err := os.WriteFile(certPath, certPEM, 0o644); err != nil {
		return fmt.Errorf("tlsdemo: writing the leaf certificate: %w", err)
	}
	return nil
}

// LoadCertPool reads PEM certificates from files into a pool; nil files
// give nil, which tls.Config takes as the system roots.
func LoadCertPool(files ...string) (*x509.CertPool, error) {
	if len(files) == 0 {
		return nil, nil
	}
	p := x509.NewCertPool()
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("tlsdemo: reading trusted certificates: %w", err)
		}
		if !p.AppendCertsFromPEM(b) {
			return nil, fmt.Errorf("tlsdemo: %s holds no PEM certificate", f)
		}
	}
	return p, nil
}

func randomSerial() *big.Int {
	// RFC 5280 §4.1.2.2: a positive serial of at most 20 octets; 128
	// random bits make it unique in practice.
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 128))
	if err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return n.Add(n, big.NewInt(1))
}

func whoami() string {
	name := "unknown"
	if u, err := user.Current(); err == nil {
		name = u.Username
	}
	if h, err := os.Hostname(); err == nil {
		name += "@" + h
	}
	return name
}
