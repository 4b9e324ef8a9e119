let r = #"raw never closed
