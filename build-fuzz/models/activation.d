build-fuzz/models/activation.o: models/activation.c models/activation.h

models/activation.h:
