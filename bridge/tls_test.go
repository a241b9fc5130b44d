package bridge

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"io"
	"math/big"
	"net"
	"testing"
	"time"

	"github.com/asyncgo/async/internal/rttest"
)

// selfSigned returns a certificate for 127.0.0.1, made for the test, and a
// pool that trusts it.
func selfSigned(t *testing.T) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "bridge test"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA:                  true,
		BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool
}

// Both ends of a TLS connection run on goroutines over bridges of one
// executor's sockets: the handshake, an exchange each way, and the
// close_notify that ends it.
func TestTLSOverBridges(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		cert, pool := selfSigned(t)
		h := newHarness(t, x)
		client, server := pair(h)
		srv := tls.Server(NetConn(h.ex, server), &tls.Config{Certificates: []tls.Certificate{cert}})
		cli := tls.Client(NetConn(h.ex, client), &tls.Config{RootCAs: pool, ServerName: "127.0.0.1"})
		defer cli.Close()

		served := goCall(func() (int, error) {
			defer srv.Close()
			buf := make([]byte, 64)
			n, err := io.ReadFull(srv, buf[:len("ping over tls")])
			if err != nil {
				return n, err
			}
			return srv.Write(append([]byte("pong: "), buf[:n]...))
		})
		if _, err := cli.Write([]byte("ping over tls")); err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(cli) // until the server's close_notify
		if err != nil || string(got) != "pong: ping over tls" {
			t.Fatalf("client read %q, %v", got, err)
		}
		if r := within(t, served); r.err != nil {
			t.Fatalf("server: %v", r.err)
		}
		if st := cli.ConnectionState(); !st.HandshakeComplete || st.Version < tls.VersionTLS12 {
			t.Fatalf("handshake state: %+v", st)
		}
	})
}
