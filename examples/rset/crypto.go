package rset

import (
	"crypto/aes"
	"crypto/cipher"
	"encoding/binary"
	"errors"
)

// Rounds is the number of AES block encryptions of a server's costly step:
// the CPU load of paper 002 §5.4, which adds "extra computation via
// multiple AES encryptions" so that each microprotocol has one clear
// bottleneck. Certify runs it once per message. It is a variable only so
// that tests, which check behaviour rather than cost, can make it cheap
// before any node starts; it must not change while nodes run.
var Rounds = 2000

// key is the AES-128 key every node and client shares. A fixed key makes
// the microprotocols self-contained; they measure the cost of the cipher,
// not key distribution.
var key = []byte{0xbf, 0xee, 0xd2, 0x77, 0x02, 0x4d, 0x47, 0x00, 0xc7, 0xed, 0xf2, 0x41, 0x27, 0x85, 0x89, 0x17}

var (
	block cipher.Block
	aead  cipher.AEAD
)

func init() {
	var err error
	if block, err = aes.NewCipher(key); err != nil {
		panic(err) // the key is a constant of the right length
	}
	if aead, err = cipher.NewGCM(block); err != nil {
		panic(err)
	}
}

// Certify returns the AES-CBC-MAC of payload under the shared key,
// chained over Rounds block encryptions: the servers' costly step.
//
//hydro:pure
func Certify(payload string) [16]byte {
	var mac [16]byte
	p := []byte(payload)
	for i := range Rounds {
		for j := range mac {
			if len(p) > 0 {
				mac[j] ^= p[(i*16+j)%len(p)]
			}
		}
		block.Encrypt(mac[:], mac[:])
	}
	return mac
}

// nonce returns the GCM nonce of message id: distinct messages of one
// sender have distinct IDs, and the domain separates requests from answers.
func nonce(id uint64, domain byte) []byte {
	n := make([]byte, aead.NonceSize())
	n[0] = domain
	binary.BigEndian.PutUint64(n[aead.NonceSize()-8:], id)
	return n
}

const (
	requestDomain byte = 1
	answerDomain  byte = 2
)

// SealCommand encrypts a command as a client sends it (AES-GCM).
//
//hydro:pure
func SealCommand(c Command) Sealed {
	var b []byte
	b = binary.BigEndian.AppendUint64(b, c.Ballot)
	b = append(b, c.Payload...)
	return Sealed{ID: c.ID, Box: aead.Seal(nil, nonce(c.ID, requestDomain), b, nil)}
}

// OpenCommand decrypts what SealCommand sealed. A box that does not
// authenticate is an error.
func OpenCommand(s Sealed) (Command, error) {
	b, err := aead.Open(nil, nonce(s.ID, requestDomain), s.Box, nil)
	if err != nil {
		return Command{}, err
	}
	if len(b) < 8 {
		return Command{}, errors.New("rset: short command")
	}
	return Command{ID: s.ID, Ballot: binary.BigEndian.Uint64(b), Payload: string(b[8:])}, nil
}

// SealAnswer encrypts an answer (AES-GCM).
//
//hydro:pure
func SealAnswer(a Answer) Sealed {
	var b []byte
	b = binary.BigEndian.AppendUint64(b, a.Ballot)
	b = append(b, a.Receipt[:]...)
	b = append(b, a.Payload...)
	return Sealed{ID: a.ID, Box: aead.Seal(nil, nonce(a.ID, answerDomain), b, nil)}
}

// OpenAnswer decrypts what SealAnswer sealed.
func OpenAnswer(s Sealed) (Answer, error) {
	b, err := aead.Open(nil, nonce(s.ID, answerDomain), s.Box, nil)
	if err != nil {
		return Answer{}, err
	}
	if len(b) < 24 {
		return Answer{}, errors.New("rset: short answer")
	}
	a := Answer{ID: s.ID, Ballot: binary.BigEndian.Uint64(b), Payload: string(b[24:])}
	copy(a.Receipt[:], b[8:24])
	return a, nil
}

// decrypt is a server's costly decryption of a client's request: it opens
// the box and certifies the payload. A box that does not authenticate is
// dropped.
//
//hydro:pure
func decrypt(s Sealed) (Command, bool) {
	c, err := OpenCommand(s)
	if err != nil {
		return Command{}, false
	}
	c.Receipt = Certify(c.Payload)
	return c, true
}

// encrypt is a server's costly encryption of an answer: it certifies the
// answer's payload and ballot again, checks the receipt the request got
// against it, and seals the answer. An answer whose receipt does not match
// is sealed with a zero receipt, which the client reports.
//
//hydro:pure
func encrypt(a Answer) Sealed {
	if Certify(a.Payload) != a.Receipt {
		a.Receipt = [16]byte{}
	}
	return SealAnswer(a)
}

// unseal is a cheap decryption of a client's request: the partitioned
// microprotocols put their cost at the replicas.
//
//hydro:pure
func unseal(s Sealed) (Command, bool) {
	c, err := OpenCommand(s)
	return c, err == nil
}

// openReply is the client's decryption of an answer.
//
//hydro:pure
func openReply(s Sealed) (Answer, bool) {
	a, err := OpenAnswer(s)
	return a, err == nil
}
