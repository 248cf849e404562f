// Command cgostatic serves a page rendered from a template with a number that a
// small C function computes: a CGO program linked fully static.
//
//	cgostatic         serve on $PORT (default 8080)
//	cgostatic --once  print the page and exit
package main

/*
#include <stdlib.h>
static int answer(int a, int b) { return a * b + abs(-0); }
*/
import "C"

import (
	"flag"
	"html/template"
	"log"
	"net/http"
	"os"
)

func main() {
	once := flag.Bool("once", false, "print the page and exit")
	flag.Parse()
	tmpl := template.Must(template.ParseFiles("/templates/index.html"))
	data := map[string]int{"Answer": int(C.answer(6, 7))}
	if *once {
		if err := tmpl.Execute(os.Stdout, data); err != nil {
			log.Fatal(err)
		}
		return
	}
	port := os.Getenv("PORT")
	if port == "" {
		port = "8080"
	}
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { _ = tmpl.Execute(w, data) })
	log.Fatal(http.ListenAndServe(":"+port, nil))
}
