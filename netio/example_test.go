package netio_test

import (
	"bytes"
	"fmt"
	"io"

	"github.com/hydrogo/hydro/netio"
)

// LineItem shows the shape of a codec that hydrogen generates for a type
// that crosses the network.
type LineItem struct {
	Client uint32
	Item   string
	Qty    int16
}

func (m *LineItem) Append(dst []byte) []byte {
	dst = netio.AppendUint32(dst, m.Client)
	dst = netio.AppendString(dst, m.Item)
	return netio.AppendInt16(dst, m.Qty)
}

func (m *LineItem) Decode(src []byte) (int, error) {
	var n, k int
	var err error
	if m.Client, k, err = netio.DecodeUint32(src); err != nil {
		return 0, fmt.Errorf("LineItem.Client: %w", err)
	}
	n += k
	if m.Item, k, err = netio.DecodeString(src[n:]); err != nil {
		return 0, fmt.Errorf("LineItem.Item: %w", err)
	}
	n += k
	if m.Qty, k, err = netio.DecodeInt16(src[n:]); err != nil {
		return 0, fmt.Errorf("LineItem.Qty: %w", err)
	}
	return n + k, nil
}

var _ netio.Codec = (*LineItem)(nil)

func ExampleCodec() {
	in := LineItem{Client: 7, Item: "apple", Qty: 3}
	buf := in.Append(nil)
	fmt.Printf("% x\n", buf)

	var out LineItem
	n, err := out.Decode(buf)
	fmt.Println(out, n, err)

	_, err = out.Decode(buf[:6])
	fmt.Println(err)
	// Output:
	// 07 00 00 00 05 61 70 70 6c 65 03 00
	// {7 apple 3} 12 <nil>
	// LineItem.Item: netio: decode: length prefix exceeds the remaining input
}

func ExampleFrameReader() {
	var stream []byte
	stream = netio.AppendFrame(stream, 1, []byte("hello"))
	stream = netio.AppendFrame(stream, 2, nil)

	fr := netio.NewFrameReader(bytes.NewReader(stream), netio.DefaultMaxFrame)
	for {
		tag, payload, err := fr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("tag %d: %q\n", tag, payload)
	}
	// Output:
	// tag 1: "hello"
	// tag 2: ""
}

// A node's tick: wait until frames are waiting, take them all, process them
// and send the results.
func ExampleEndpoint() {
	network := netio.NewMemNetwork()
	client, _ := network.Endpoint("client")
	server, _ := network.Endpoint("server")
	defer client.Close()
	defer server.Close()

	client.Send("server", 1, []byte("ping 1"))
	client.Send("server", 1, []byte("ping 2"))

	<-server.Ready()
	n := server.Drain(func(from netio.Addr, tag uint16, payload []byte) {
		server.Send(from, 2, bytes.Replace(payload, []byte("ping"), []byte("pong"), 1))
	})
	fmt.Println("server tick:", n, "frames")

	<-client.Ready()
	client.Drain(func(from netio.Addr, tag uint16, payload []byte) {
		fmt.Printf("%s -> client: tag %d %s\n", from, tag, payload)
	})
	// Output:
	// server tick: 2 frames
	// server -> client: tag 2 pong 1
	// server -> client: tag 2 pong 2
}

func ExampleChaos() {
	network := netio.NewMemNetwork()
	chaos := netio.NewChaos(netio.ChaosConfig{Seed: 1, Drop: 0.25})
	a, _ := network.Endpoint("a")
	b, _ := network.Endpoint("b")
	a, b = chaos.Wrap(a), chaos.Wrap(b)
	defer a.Close()
	defer b.Close()

	for range 1000 {
		a.Send("b", 1, nil)
	}
	received := b.Drain(func(netio.Addr, uint16, []byte) {})
	fmt.Println(received+int(chaos.Stats().Dropped) == 1000)

	chaos.Partition("a", "b")
	a.Send("b", 1, nil)
	fmt.Println(b.Drain(func(netio.Addr, uint16, []byte) {}), chaos.Stats().Partitioned)
	// Output:
	// true
	// 0 1
}
