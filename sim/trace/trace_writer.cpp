// Being written: see trace_writer.hpp.
