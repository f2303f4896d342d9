package wkd_test

import (
	"context"
	"fmt"
	"log"
	"time"

	wkd "github.com/weftkit/wkd/go"
)

// Two nodes on loopback: a database advertises itself in group "orders",
// an application joins and sees it arrive.
func Example() {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	db, err := wkd.New(wkd.WithPreset(wkd.PresetLocal), wkd.WithName("db-1"), wkd.WithBind("127.0.0.1:0"))
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	err = db.Register(wkd.Registration{
		DatabaseType: "postgres",
		WireProtocol: "pgwire",
		Endpoint:     "127.0.0.1:5432",
		Groups:       []string{"orders"},
		Tags:         map[string]string{"zone": "a"},
	})
	if err != nil {
		log.Fatal(err)
	}
	if err := db.Start(); err != nil {
		log.Fatal(err)
	}
	seed, err := db.LocalAddr() // the real port chosen for port 0
	if err != nil {
		log.Fatal(err)
	}

	app, err := wkd.New(wkd.WithPreset(wkd.PresetLocal), wkd.WithName("app-1"), wkd.WithBind("127.0.0.1:0"))
	if err != nil {
		log.Fatal(err)
	}
	defer app.Close()
	if err := app.Start(); err != nil {
		log.Fatal(err)
	}
	orders, err := app.WatchGroup("orders", wkd.WithInitial())
	if err != nil {
		log.Fatal(err)
	}
	if _, err := app.Join(ctx, seed); err != nil {
		log.Fatal(err)
	}

	ev, err := orders.Next(ctx)
	if err != nil {
		log.Fatal(err)
	}
	m := ev.Member
	fmt.Println(ev.Type, m.Name, m.State)
	fmt.Println(m.DatabaseType, m.WireProtocol, m.Endpoint, m.Tags["zone"])

	// Snapshots are local: no network round trip.
	dbs, err := app.Members(&wkd.MemberFilter{Group: "orders", States: []wkd.MemberState{wkd.StateAlive}})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(dbs), dbs[0].Name)

	if err := app.Leave(ctx); err != nil {
		log.Fatal(err)
	}
	// Output:
	// member-joined db-1 alive
	// postgres pgwire 127.0.0.1:5432 a
	// 1 db-1
}
