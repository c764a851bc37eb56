module example.com/zorio-webhook-verify

go 1.19
