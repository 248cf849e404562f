# names with [, ], ? and * (buildah's tests/conformance copy-escape-glob)
for d in '[xyz]' '[xyz]/[abc]' 'strauv' 'st*uv' 'nope' 'n?pe'; do mkdir -p "app/$d"; done
printf 'brackets\n' > 'app/[xyz]/file.txt'
printf 'nested brackets\n' > 'app/[xyz]/[abc]/file.txt'
printf 'strauv\n' > app/strauv/file.txt
printf 'star\n' > 'app/st*uv/file.txt'
printf 'nope\n' > app/nope/file.txt
printf 'question\n' > 'app/n?pe/file.txt'
