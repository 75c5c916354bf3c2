"""Audio in: files to 16 kHz mono float32 (``load``), the microphone (``record``)."""
