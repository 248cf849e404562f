package main

func greeting(who string) string {
	return "Hello from " + who + "!"
}
