package impact

import "bytes"

type jsonBuffer = bytes.Buffer
