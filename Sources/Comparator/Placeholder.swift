// The shadow comparator: see the files of this target.
