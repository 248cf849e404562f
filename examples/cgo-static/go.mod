module example.com/cgostatic

go 1.19
