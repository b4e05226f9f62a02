# Generated sources of lib/. Each rule names its generator, which is kept in the tree.
GEN_OBJ :=
