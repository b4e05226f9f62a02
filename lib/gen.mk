# Generated sources of lib/. Each rule names its generator, which is kept in the tree.
GEN_OBJ :=

# This file is included before the Makefile's first target: keep `make` meaning `make all`.
.DEFAULT_GOAL := all

# Traditional -> Simplified character table for gw_norm.c, from OpenCC's TSCharacters.
$(BUILD)/gen/gw_t2s_table.h: lib/gen_t2s.sh lib/opencc_export.sh
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  GEN     $@")
	$(Q)lib/gen_t2s.sh $@
# Traditional -> Simplified phrase table for gw_norm.c, from OpenCC's TSPhrases.
$(BUILD)/gen/gw_t2s_phrases.h: lib/gen_t2s_phrases.sh lib/opencc_export.sh
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  GEN     $@")
	$(Q)lib/gen_t2s_phrases.sh $@
$(BUILD)/lib/gw_norm.o: $(BUILD)/gen/gw_t2s_table.h $(BUILD)/gen/gw_t2s_phrases.h
